/**
 * The total order on (event time, value) used by first, last and collect:
 * by `ts`, then by lockstep's value order (`compareValues`, docs/semantics.md
 * §1 — the one order used wherever values are sorted), so ties between
 * elements with the same timestamp resolve the same way on every runner.
 *
 * @module
 */

import { compareValues } from "../../core/order.ts";

/** Compares `(ta, va)` with `(tb, vb)`: by time, then (only on a tie) by value order. */
export const compareTimed = (ta: number, va: unknown, tb: number, vb: unknown): number => (ta < tb ? -1 : ta > tb ? 1 : compareValues(va, vb));

/**
 * `ts`, checked: accumulators hold it, so it must be finite to stay plain JSON.
 *
 * @throws RangeError when `ts` is not a finite number
 */
export const checkTs = (ts: number, agg: string): number => {
  if (typeof ts === "number" && Number.isFinite(ts)) return ts === 0 ? 0 : ts;
  throw new RangeError(`${agg}: event time must be a finite number of ms, got ${ts}. Fix: give every element a finite timestamp before aggregating`);
};
