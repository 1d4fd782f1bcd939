import type { WindowFn } from "../../src/window/types.ts";
import { parseDuration } from "../../src/window/duration.ts";
import { node, streamOf } from "../stream.ts";
import type { StageOptions, Stream, Windowing } from "../stream.ts";

/** A duration: milliseconds, or a string such as `"10s"`, `"5m"`, `"1h30m"`. */
export type Duration = number | string;

/** The global window: one window per key, complete at end of input. */
export const global = (): WindowFn => ({ kind: "global" });
/** Fixed (tumbling) windows of `size`, aligned to `offset`. */
export const fixed = (size: Duration, offset: Duration = 0): WindowFn => ({
  kind: "fixed",
  size: parseDuration(size, "fixed.size"),
  offset: parseDuration(offset, "fixed.offset"),
});
/** Sliding windows of `size` starting every `period`. */
export const sliding = (size: Duration, period: Duration, offset: Duration = 0): WindowFn => ({
  kind: "sliding",
  size: parseDuration(size, "sliding.size"),
  period: parseDuration(period, "sliding.period"),
  offset: parseDuration(offset, "sliding.offset"),
});
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
