/**
 * The lateness rule (docs/semantics.md §8): an element is late for a window
 * when its own source-key clock reached the window's end plus the allowed
 * lateness of its input port.
 *
 * @module
 */
import type { Window } from "../../window/types.ts";
import type { Elem } from "../elem.ts";
import type { LateElement } from "../operator.ts";

/** True when `e` is too late for window `w` (judged on the element's own source-key clock only). */
export const isLate = (e: Elem, w: Window, allowedLateness: number): boolean => e.c >= w.end + allowedLateness;

/**
 * The late side-output record for `e` and window `w` at stage `stage`. For
 * sessions the window judged (and reported) is the element's proto-window
 * `[t, t + gap)`.
 */
export const lateElementOf = (stage: string, e: Elem, w: Window, allowedLateness: number, session: boolean): LateElement => ({
  stage,
  source: e.origin.source,
  offset: e.origin.offset,
  value: e.v,
  eventTime: e.t,
  clock: e.c,
  windowStart: Number.isFinite(w.start) ? w.start : null,
  windowEnd: Number.isFinite(w.end) ? w.end : null,
  reason: `${session ? "its proto-session" : "window"} [${w.start}, ${w.end}) ended at or before its source clock ${e.c} minus allowed lateness ${allowedLateness}`,
});
