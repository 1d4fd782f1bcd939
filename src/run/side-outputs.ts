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

/** A copy of `records` in the written order. */
export const sideOutputOrder = <A extends SideOutput>(records: readonly A[]): A[] =>
  records
    .map((r) => ({ r, text: canonicalJson(r) }))
    .sort((a, b) => compareStrings(a.r.source, b.r.source) || a.r.offset - b.r.offset || compareStrings(a.r.stage, b.r.stage) || compareStrings(a.text, b.text))
    .map(({ r }) => r);
