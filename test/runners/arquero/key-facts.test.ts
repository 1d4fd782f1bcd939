/**
 * `keyFactsOf` reads the key facts off the group index in one loop; the rule
 * it stands for is arquero's `groupby("_k").rollup({ op.any…, op.max })`.
 * Both are computed here on tables whose first rows of a key hold values
 * arquero's reducers skip (null, undefined, NaN), so the loop must agree
 * with the rollup on which value is a key's "first" and its clock.
 */
import * as aq from "arquero";
import { describe, expect, it } from "vitest";
import { COL } from "../../../runners/arquero/columns.ts";
import { keyFactsOf } from "../../../runners/arquero/steps/key-facts.ts";

/** The facts as the rollup gives them, by key. */
const byRollup = (table: aq.ColumnTable) => {
  const r = table.groupby(COL.k).rollup({
    kn: `d => op.any(d.${COL.kn})`,
    c: `d => op.max(d.${COL.c})`,
    src: `d => op.any(d.${COL.src})`,
    off: `d => op.any(d.${COL.off})`,
    sk: `d => op.any(d.${COL.sk})`,
    c0: `d => op.any(d.${COL.c})`,
  });
  return r.objects().map((o) => ({ ...o })) as Record<string, unknown>[];
};

/** A table of `n` rows over `keys` keys, with invalid values sprinkled by a fixed pseudo-random sequence. */
const tableOf = (n: number, keys: number, seed: number) => {
  let s = seed;
  const rand = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const pick = <T>(valid: () => T): T | null | undefined | number => {
    const x = rand();
    return x < 0.15 ? null : x < 0.25 ? undefined : x < 0.3 ? Number.NaN : valid();
  };
  const rows = Array.from({ length: n }, (_, i) => i);
  return aq.table({
    [COL.k]: rows.map(() => JSON.stringify([`u${Math.floor(rand() * keys)}`])),
    [COL.kn]: rows.map(() => ["userId"]),
    [COL.c]: rows.map(() => pick(() => Math.floor(rand() * 100) - 50)),
    [COL.src]: rows.map(() => pick(() => `s${Math.floor(rand() * 3)}`)),
    [COL.off]: rows.map((i) => pick(() => i)),
    [COL.sk]: rows.map(() => pick(() => `k${Math.floor(rand() * 4)}`)),
  });
};

const same = (a: unknown, b: unknown) => Object.is(a, b) || JSON.stringify(a) === JSON.stringify(b);

describe("keyFactsOf", () => {
  for (const [n, keys, seed] of [
    [1, 1, 1],
    [40, 3, 7],
    [500, 60, 11],
    [2000, 7, 13],
  ] as const) {
    it(`agrees with groupby().rollup(op.any, op.max) on ${n} rows over ${keys} keys`, () => {
      const table = tableOf(n, keys, seed);
      const want = byRollup(table);
      const { facts, table: withKi } = keyFactsOf(table);
      expect(facts.kv.size).toBe(want.length);
      for (const w of want) {
        const k = w[COL.k] as string;
        expect(facts.kv.get(k)).toEqual({ userId: (JSON.parse(k) as string[])[0] });
        const f = facts.first.get(k)!;
        for (const [got, exp] of [
          [facts.clock.get(k), w.c],
          [f.src, w.src],
          [f.off, w.off],
          [f.sk, w.sk],
          [f.c, w.c0],
        ]) {
          expect(same(got, exp), `${k}: ${String(got)} vs ${String(exp)}`).toBe(true);
        }
      }
      // _ki numbers the keys densely, equal for equal keys.
      const ks = withKi.array(COL.k) as string[];
      const ki = withKi.array("_ki") as number[];
      const seen = new Map<string, number>();
      ks.forEach((k, r) => {
        if (!seen.has(k)) seen.set(k, ki[r]!);
        expect(ki[r]).toBe(seen.get(k));
      });
      expect(new Set(ki).size).toBe(want.length);
    });
  }

  it("reads a filtered table's kept rows only, as the rollup does", () => {
    const table = tableOf(300, 20, 5).filter("d => op.is_finite(d._off) && d._off % 3 !== 0");
    const want = byRollup(table);
    const { facts } = keyFactsOf(table);
    expect(facts.kv.size).toBe(want.length);
    for (const w of want) {
      const k = w[COL.k] as string;
      const f = facts.first.get(k)!;
      expect(same(f.off, w.off) && same(f.src, w.src) && same(facts.clock.get(k), w.c)).toBe(true);
    }
  });
});
