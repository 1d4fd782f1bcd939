/**
 * The order in which dead letters and late elements are written to files:
 * by source, then offset within it, then stage, then canonical JSON of the
 * whole record. Runners collect them in whatever order their scheduling
 * gives; written in this one order, the files of two runs compare with
 * `cmp`, as sink files do (docs/semantics.md §11).
 *
 * @module
 */
import { canonicalJson, compareStrings } from "../core/canonical.ts";

/** A side output: a dead letter or a late element. */
interface SideOutput {
  readonly source: string;
  readonly offset: number;
  readonly stage: string;
}

/** The written order up to the last rule (the canonical JSON of the whole record, compared only on a tie). */
const byPlace = (a: SideOutput, b: SideOutput): number => compareStrings(a.source, b.source) || a.offset - b.offset || compareStrings(a.stage, b.stage);

/**
 * The record `sideOutputOrder(records)[0]` would be, in one pass: what the run summary names as the
 * first dead letter, the same whichever order the runner's tasks reported them in.
 */
export const firstInSideOutputOrder = <A extends SideOutput>(records: readonly A[]): A | undefined => {
  let best: A | undefined;
  for (const r of records) if (best === undefined || (byPlace(r, best) || compareStrings(canonicalJson(r), canonicalJson(best))) < 0) best = r;
  return best;
};

/** A copy of `records` in the written order. */
export const sideOutputOrder = <A extends SideOutput>(records: readonly A[]): A[] =>
  records
    .map((r) => ({ r, text: canonicalJson(r) }))
    .sort((a, b) => byPlace(a.r, b.r) || compareStrings(a.text, b.text))
    .map(({ r }) => r);
