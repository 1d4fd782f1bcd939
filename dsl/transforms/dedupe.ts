import { parseDuration } from "../../src/window/duration.ts";
import { node, streamOf } from "../stream.ts";
import type { StageOptions, Stream, Windowing } from "../stream.ts";

/** Options of {@link dedupe}. */
export interface DedupeOptions extends StageOptions {
  /** Forget an id once its source clock is this far past the id's event time (bounds state). */
  readonly ttl?: string | number;
}

/**
 * Drops an element when an element with the same `by` fields came before it
 * (the first in arrival order survives; see docs/semantics.md for when that
 * order is the same on every runner).
 */
export const dedupe =
  <T, F extends keyof T & string>(by: F | readonly F[], opts?: DedupeOptions) =>
  <K, W extends Windowing>(s: Stream<T, K, W>): Stream<T, K, W> =>
    streamOf(
      node(
        "dedupe",
        [s.node],
        {
          by: typeof by === "string" ? [by] : [...by],
          ...(opts?.ttl !== undefined ? { ttl: parseDuration(opts.ttl, "dedupe.ttl") } : {}),
        },
        opts,
      ),
    );
