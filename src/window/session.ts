/**
 * Session windows: merging per-element proto-windows into sessions.
 *
 * @module
 */

import type { Window } from "./types.ts";

// Comparisons rather than subtraction: `Infinity - Infinity` is NaN.
const byStartThenEnd = (a: Window, b: Window): number => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.end < b.end ? -1 : a.end > b.end ? 1 : 0);

/**
 * Merges session windows into sessions.
 *
 * Rule: two windows merge when they **overlap** (`a.start < b.end && b.start < a.end`),
 * transitively. Windows that merely touch (`a.end === b.start`) stay apart: an
 * element's proto-window is `[ts, ts + gap)`, so an element arriving exactly
 * `gap` after the previous one starts a new session — "a gap of at least `gap`
 * ends a session".
 *
 * The input is not modified. The result is sorted by start and its windows are
 * pairwise disjoint; every input window lies inside exactly one of them.
 */
export const mergeSessions = (windows: readonly Window[]): Window[] => {
  const sorted = [...windows].sort(byStartThenEnd);
  const out: Window[] = [];
  let cur: Window | undefined;
  for (const w of sorted) {
    if (cur !== undefined && w.start < cur.end) {
      // Sorted by start, so cur.start ≤ w.start and only the end can grow.
      if (w.end > cur.end) cur.end = w.end;
    } else {
      cur = { start: w.start, end: w.end };
      out.push(cur);
    }
  }
  return out;
};
