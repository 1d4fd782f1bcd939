/**
 * Per key, what a keyed stage remembers beyond its windows: the key's
 * fields as the first element to reach it named them (`_kn`, with the
 * values of `_k`), its stage clock — the largest source clock of its
 * elements, late ones included — and that first element's origin and
 * clocks (a sequence's pane carries them).
 *
 * One `groupby` of the key serves twice: its group index numbers the keys
 * densely (`_ki`, cheaper to group by again than the key's JSON), and one
 * loop over it gives the facts, in group-index order.
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

/** Arquero's notion of a value an aggregate takes: not null, undefined or NaN (`op.any`, `op.max` skip the rest). */
const isValid = (v: unknown): boolean => v != null && !Number.isNaN(v);

/**
 * Per group, the first valid value of `col` in row order (`op.any`): the
 * group's first row's value, unless that one is not valid.
 */
const firstValid = (col: readonly unknown[], keys: Uint32Array, rows: readonly number[]): unknown[] => {
  const out = rows.map((r) => col[r]);
  if (out.every(isValid)) return out;
  const found = out.map(isValid);
  for (let r = 0; r < keys.length; r++) {
    const g = keys[r]!;
    if (!found[g] && isValid(col[r])) {
      out[g] = col[r];
      found[g] = true;
    }
  }
  return out.map((v, g) => (found[g] ? v : undefined));
};

/** Per group, the largest valid value of `col` (`op.max`: the first of equal ones, `undefined` for none). */
const maxOf = (col: readonly unknown[], keys: Uint32Array, size: number): unknown[] => {
  const out = new Array<unknown>(size).fill(undefined);
  for (let r = 0; r < keys.length; r++) {
    const v = col[r];
    if (!isValid(v)) continue;
    const g = keys[r]!;
    const m = out[g];
    if (m === undefined || (v as number) > (m as number)) out[g] = v;
  }
  return out;
};

/**
 * The facts of every key of `table` (rows in arrival order, so the first
 * row of a key is its first element), and `table` with `_ki`, the key's
 * dense index — grouped by `_k` when `grouped` is asked for, so an
 * aggregate over whole keys can reuse it.
 *
 * The facts are what `groupby("_k").rollup({ kn: op.any(_kn), c:
 * op.max(_c), src/off/sk/c0: op.any(…) })` gives, read off the group index
 * in one loop over the rows instead: a second rollup of six reducers over
 * every row cost as much as the aggregates themselves.
 */
export const keyFactsOf = (input: ColumnTable): { facts: KeyFacts; table: ColumnTable; grouped: ColumnTable } => {
  if (input.numRows() === 0) {
    const empty = input.assign({ _ki: [] });
    return { facts: { kv: new Map(), clock: new Map(), first: new Map() }, table: empty, grouped: empty };
  }
  // Steps hand on reified tables; a pending filter or order would make row index and scan order differ.
  const table = input.isFiltered() || input.isOrdered() ? input.reify() : input;
  const grouped = table.groupby(COL.k);
  const { keys, rows, size } = grouped.groups() as unknown as { keys: Uint32Array; rows: number[]; size: number };
  const first = (name: string) => firstValid(valuesOf(table, name), keys, rows);
  const ks = first(COL.k) as string[];
  const [kns, src, off, sk, c0] = [COL.kn, COL.src, COL.off, COL.sk, COL.c].map(first) as [string[][], string[], number[], string[], number[]];
  const cs = maxOf(valuesOf(table, COL.c), keys, size) as number[];
  const ki = Array.from(keys);
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
