import { node, streamOf } from "../stream.ts";
import type { StageOptions, Stream, Windowing } from "../stream.ts";

/**
 * Keys the stream by one or more fields; keyed stages (window, combine, join,
 * sequence) then work per key. Compute a key first with `map` when needed.
 *
 * @example L.keyBy("userId")
 */
export const keyBy =
  <T, F extends keyof T & string, W extends Windowing = "none">(fields: F | readonly F[], opts?: StageOptions) =>
  <K>(s: Stream<T, K, W>): Stream<T, { [P in F]: T[P] }, W> =>
    streamOf(node("keyBy", [s.node], { fields: typeof fields === "string" ? [fields] : [...fields] }, opts));
