/**
 * Property: a sequence's final view is a function of the *set* of elements
 * (docs/semantics.md §10) — the same for any permutation of the input, with
 * duplicates, and equal to a brute-force computation over the whole set.
 */
import fc from "fast-check";
import * as t from "io-ts";
import { describe, expect, it } from "vitest";
import * as L from "../../dsl/index.ts";
import { run } from "./direct-harness.ts";

const Ev = t.type({ u: t.string, id: t.union([t.string, t.number]), ts: t.number, p: t.number });
type Ev = t.TypeOf<typeof Ev>;

const def = (latest: number, ttl: number | undefined) =>
  L.pipeline("seq-prop", { version: 1 }, ({ source, sink }) =>
    L.pipe(
      source("ev", Ev, { key: "u" }),
      L.withTimestamps((e) => e.field("ts")),
      L.keyBy("u"),
      L.sequence({ latest, id: "id", fields: ["id", "ts", "p"], as: "events", ...(ttl === undefined ? {} : { ttl }) }),
      sink("out"),
    ),
  );

/** Value order on ids, written out independently of src/core/order.ts: numbers < strings. */
const cmpId = (a: string | number, b: string | number): number => {
  if (typeof a !== typeof b) return typeof a === "number" ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
};

/**
 * The contract computed over the whole set at once. Two versions of an id with
 * the same time differ only in `p` (one digit), so "greater canonical JSON" is
 * "greater p".
 */
const bruteForce = (elements: readonly Ev[], latest: number, ttl: number | undefined): unknown[] => {
  const rows: unknown[] = [];
  for (const u of [...new Set(elements.map((e) => e.u))].sort()) {
    let mine = elements.filter((e) => e.u === u);
    const newest = Math.max(...mine.map((e) => e.ts));
    if (ttl !== undefined) mine = mine.filter((e) => e.ts >= newest - ttl);
    const best = new Map<string, Ev>();
    for (const e of mine) {
      const k = `${typeof e.id}:${e.id}`;
      const b = best.get(k);
      if (!b || e.ts > b.ts || (e.ts === b.ts && e.p > b.p)) best.set(k, e);
    }
    const ranked = [...best.values()].sort((a, b) => b.ts - a.ts || cmpId(a.id, b.id)).slice(0, latest);
    rows.push({ u, events: ranked.map((e) => ({ id: e.id, ts: e.ts, p: e.p })) });
  }
  return rows;
};

const element: fc.Arbitrary<Ev> = fc.record({
  u: fc.constantFrom("a", "b"),
  id: fc.oneof(fc.integer({ min: 0, max: 4 }), fc.constantFrom("0", "10", "9", "x")),
  ts: fc.integer({ min: -3, max: 8 }),
  p: fc.integer({ min: 0, max: 3 }),
});

/** An input with some elements delivered twice, and a permutation of it. */
const scenario = fc
  .record({
    elements: fc.array(element, { maxLength: 30 }),
    again: fc.array(fc.nat(), { maxLength: 10 }),
    latest: fc.integer({ min: 1, max: 4 }),
    ttl: fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined }),
  })
  .chain(({ elements, again, latest, ttl }) => {
    const input = elements.length === 0 ? [] : [...elements, ...again.map((i) => elements[i % elements.length]!)];
    return fc.record({
      input: fc.constant(input),
      shuffled: fc.shuffledSubarray(input, { minLength: input.length, maxLength: input.length }),
      latest: fc.constant(latest),
      ttl: fc.constant(ttl),
    });
  });

describe("sequence (property)", () => {
  it("the brute force agrees with a hand-computed case", () => {
    const input = [
      { u: "a", id: "x", ts: 2, p: 0 },
      { u: "a", id: 3, ts: 2, p: 1 },
      { u: "a", id: 3, ts: 2, p: 2 },
      { u: "a", id: "x", ts: 1, p: 3 },
      { u: "b", id: 0, ts: 0, p: 0 },
    ];
    expect(bruteForce(input, 2, undefined)).toEqual([
      {
        u: "a",
        events: [
          { id: 3, ts: 2, p: 2 },
          { id: "x", ts: 2, p: 0 },
        ],
      },
      { u: "b", events: [{ id: 0, ts: 0, p: 0 }] },
    ]);
  });

  it("is the same for any permutation of the input and equals the brute force over the set", async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ input, shuffled, latest, ttl }) => {
        const p = def(latest, ttl);
        const expected = bruteForce(input, latest, ttl);
        expect((await run(p, { ev: input })).outputs.out).toEqual(expected);
        expect((await run(p, { ev: shuffled })).outputs.out).toEqual(expected);
      }),
      { numRuns: 150 },
    );
  });
});
