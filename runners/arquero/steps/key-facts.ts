/**
 * Per key, what a keyed stage remembers beyond its windows: the key's
 * fields as the first element to reach it wrote them (`_kv`), its stage
 * clock — the largest source clock of its elements, late ones included —
 * and that first element's origin and clocks (a sequence's pane carries them).
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import { COL, valuesOf } from "../columns.ts";

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

/** One rollup over the stage's input (rows in arrival order, so `any` is the first). */
export const keyFactsOf = (table: ColumnTable): KeyFacts => {
  const r = table.groupby(COL.k).rollup({
    kv: `d => op.any(d.${COL.kv})`,
    c: `d => op.max(d.${COL.c})`,
    src: `d => op.any(d.${COL.src})`,
    off: `d => op.any(d.${COL.off})`,
    sk: `d => op.any(d.${COL.sk})`,
    c0: `d => op.any(d.${COL.c})`,
  });
  const ks = valuesOf(r, COL.k) as string[];
  const [kvs, cs, src, off, sk, c0] = ["kv", "c", "src", "off", "sk", "c0"].map((name) => valuesOf(r, name)) as [Record<string, unknown>[], number[], string[], number[], string[], number[]];
  return {
    kv: new Map(ks.map((k, i) => [k, kvs[i]!])),
    clock: new Map(ks.map((k, i) => [k, cs[i]!])),
    first: new Map(ks.map((k, i) => [k, { src: src[i]!, off: off[i]!, sk: sk[i]!, c: c0[i]! }])),
  };
};
