/**
 * Per key, what a keyed stage remembers beyond its windows: the key's
 * fields as the first element to reach it wrote them (`_kv`), and its stage
 * clock — the largest source clock of its elements, late ones included.
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import { COL, valuesOf } from "../columns.ts";

/** Key facts by stage key (canonical JSON). */
export interface KeyFacts {
  readonly kv: ReadonlyMap<string, Record<string, unknown>>;
  readonly clock: ReadonlyMap<string, number>;
}

/** One rollup over the stage's input (rows in arrival order, so `any` is the first). */
export const keyFactsOf = (table: ColumnTable): KeyFacts => {
  const r = table.groupby(COL.k).rollup({ kv: `d => op.any(d.${COL.kv})`, c: `d => op.max(d.${COL.c})` });
  const ks = valuesOf(r, COL.k) as string[];
  const kvs = valuesOf(r, "kv") as Record<string, unknown>[];
  const cs = valuesOf(r, "c") as number[];
  return { kv: new Map(ks.map((k, i) => [k, kvs[i]!])), clock: new Map(ks.map((k, i) => [k, cs[i]!])) };
};
