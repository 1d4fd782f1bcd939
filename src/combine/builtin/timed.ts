/**
 * The total order on (event time, value) used by first, last and collect:
 * by `ts`, then by the canonical JSON of the value, so ties between elements
 * with the same timestamp resolve the same way on every runner.
 *
 * @module
 */

import { canonicalJson, compareStrings } from "../../core/canonical.ts";

/** Compares `(ta, va)` with `(tb, vb)`; canonical JSON is only computed on a timestamp tie. */
export const compareTimed = (ta: number, va: unknown, tb: number, vb: unknown): number =>
  ta < tb ? -1 : ta > tb ? 1 : compareStrings(canonicalJson(va), canonicalJson(vb));

/**
 * `ts`, checked: accumulators hold it, so it must be finite to stay plain JSON.
 *
 * @throws RangeError when `ts` is not a finite number
 */
export const checkTs = (ts: number, agg: string): number => {
  if (typeof ts === "number" && Number.isFinite(ts)) return ts === 0 ? 0 : ts;
  throw new RangeError(`${agg}: event time must be a finite number of ms, got ${ts}. Fix: give every element a finite timestamp before aggregating`);
};
