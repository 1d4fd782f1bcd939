/**
 * Per key, what a keyed stage remembers beyond its windows: the key's
 * fields as the first element to reach it named them (`_kn`, with the
 * values of `_k`), its stage clock — the largest source clock of its
 * elements, late ones included — and that first element's origin and
 * clocks (a sequence's pane carries them).
 *
 * One `groupby` of the key serves twice: its group index numbers the keys
 * densely (`_ki`, cheaper to group by again than the key's JSON), and its
 * rollup gives the facts, in group-index order.
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import { COL, valuesOf } from "../columns.ts";
import { setOwnField } from "../../../src/core/fields.ts";

/** The first element of a key: where it came from and its clocks. */
export interface FirstElement {
  readonly src: string;
  readonly off: number;
  readonly sk: string;
  readonly c: number;
}

/** Key facts by stage key (canonical JSON). */
export interface KeyFacts {
  readonly kv: ReadonlyMap<string, Record<string, unknown>>;
  readonly clock: ReadonlyMap<string, number>;
  readonly first: ReadonlyMap<string, FirstElement>;
}

/** `{field: value}` from a key's field names and its canonical JSON (equal to the fields' values as JSON). */
const keyObject = (names: readonly string[], k: string): Record<string, unknown> => {
  const values = JSON.parse(k) as unknown[];
  const o: Record<string, unknown> = {};
  names.forEach((name, i) => {
    setOwnField(o, name, values[i]);
  });
  return o;
};

/**
 * The facts of every key of `table` (rows in arrival order, so `any` is the
 * first), and `table` with `_ki`, the key's dense index — grouped by `_k`
 * when `grouped` is asked for, so an aggregate over whole keys can reuse it.
 */
export const keyFactsOf = (table: ColumnTable): { facts: KeyFacts; table: ColumnTable; grouped: ColumnTable } => {
  if (table.numRows() === 0) {
    const empty = table.assign({ _ki: [] });
    return { facts: { kv: new Map(), clock: new Map(), first: new Map() }, table: empty, grouped: empty };
  }
  const grouped = table.groupby(COL.k);
  const r = grouped.rollup({
    kn: `d => op.any(d.${COL.kn})`,
    c: `d => op.max(d.${COL.c})`,
    src: `d => op.any(d.${COL.src})`,
    off: `d => op.any(d.${COL.off})`,
    sk: `d => op.any(d.${COL.sk})`,
    c0: `d => op.any(d.${COL.c})`,
  });
  const ks = valuesOf(r, COL.k) as string[];
  const [kns, cs, src, off, sk, c0] = ["kn", "c", "src", "off", "sk", "c0"].map((name) => valuesOf(r, name)) as [
    string[][],
    number[],
    string[],
    number[],
    string[],
    number[],
  ];
  const ki = Array.from(grouped.groups()!.keys);
  return {
    facts: {
      kv: new Map(ks.map((k, i) => [k, keyObject(kns[i]!, k)])),
      clock: new Map(ks.map((k, i) => [k, cs[i]!])),
      first: new Map(ks.map((k, i) => [k, { src: src[i]!, off: off[i]!, sk: sk[i]!, c: c0[i]! }])),
    },
    table: table.assign({ _ki: ki }),
    grouped: grouped.assign({ _ki: ki }),
  };
};
