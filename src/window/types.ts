/**
 * Window functions and windows: how event time is cut into the spans that
 * aggregations are computed over.
 *
 * @module
 */

/**
 * How elements are assigned to windows. All lengths are milliseconds.
 *
 * - `global`: one window holding everything.
 * - `fixed`: back-to-back windows `[offset + n·size, offset + (n+1)·size)`.
 * - `sliding`: windows of length `size` starting every `period`, at `offset + n·period`.
 * - `session`: windows that grow while elements keep arriving less than `gap` apart.
 */
export type WindowFn =
  | { kind: "global" }
  | { kind: "fixed"; size: number; offset: number }
  | { kind: "sliding"; size: number; period: number; offset: number }
  | { kind: "session"; gap: number };

/** A span of event time, half-open: `start ≤ ts < end` (ms). */
export type Window = { start: number; end: number };

/** The single window of {@link WindowFn} `global`: all of time. Frozen because it is shared. */
export const GLOBAL_WINDOW: Window = Object.freeze({ start: -Infinity, end: Infinity });
