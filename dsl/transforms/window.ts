import type { WindowFn } from "../../src/window/types.ts";
import { parseDuration } from "../../src/window/duration.ts";
import { normalizeOffset } from "../../src/window/assign.ts";
import { node, streamOf } from "../stream.ts";
import type { StageOptions, Stream, Windowing } from "../stream.ts";

/** A duration: milliseconds, or a string such as `"10s"`, `"5m"`, `"1h30m"`. */
export type Duration = number | string;

/** The global window: one window per key, complete at end of input. */
export const global = (): WindowFn => ({ kind: "global" });
/** Fixed (tumbling) windows of `size`, aligned to `offset` (taken modulo `size`, as Beam does). */
export const fixed = (size: Duration, offset: Duration = 0): WindowFn => {
  const ms = parseDuration(size, "fixed.size");
  return { kind: "fixed", size: ms, offset: normalizeOffset(parseDuration(offset, "fixed.offset"), ms) };
};
/**
 * Sliding windows of `size` starting every `period`, aligned to `offset`
 * (taken modulo `period`). A period above the size gives hopping windows with
 * gaps: an element in a gap belongs to no window.
 */
export const sliding = (size: Duration, period: Duration, offset: Duration = 0): WindowFn => {
  const every = parseDuration(period, "sliding.period");
  return { kind: "sliding", size: parseDuration(size, "sliding.size"), period: every, offset: normalizeOffset(parseDuration(offset, "sliding.offset"), every) };
};
/** Session windows closed by a gap of inactivity. */
export const session = (gap: Duration): WindowFn => ({ kind: "session", gap: parseDuration(gap, "session.gap") });

/** Options of {@link window}. */
export interface WindowOptions extends StageOptions {
  /** How far behind its key's clock an element may be and still count (default 0). */
  readonly allowedLateness?: Duration;
  /** Early panes every N elements; late panes for late-but-allowed elements (default true). */
  readonly trigger?: { readonly early?: { readonly every: number }; readonly late?: boolean };
}

/**
 * Windows a keyed stream. Downstream keyed stages (combine, join,
 * groupByKey) aggregate per key and window and emit panes by the trigger.
 *
 * @example L.window(L.fixed("10s"), { allowedLateness: "5s" })
 */
export const window =
  (fn: WindowFn, opts?: WindowOptions) =>
  <T, K extends object>(s: Stream<T, K, Windowing>): Stream<T, K, "windowed"> =>
    streamOf(
      node(
        "window",
        [s.node],
        {
          window: fn,
          allowedLateness: parseDuration(opts?.allowedLateness ?? 0, "window.allowedLateness"),
          trigger: {
            ...(opts?.trigger?.early ? { early: { every: opts.trigger.early.every } } : {}),
            late: opts?.trigger?.late ?? true,
          },
        },
        opts,
      ),
    );
