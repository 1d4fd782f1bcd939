import { DefinitionError } from "../../src/core/errors.ts";
import { node, streamOf } from "../stream.ts";
import type { StageOptions, Stream, Windowing } from "../stream.ts";

/** The union of several streams of the same element type. */
export const flatten = <T, K = null, W extends Windowing = "none">(streams: readonly Stream<T, K, W>[], opts?: StageOptions): Stream<T, K, W> => {
  if (streams.length < 2) throw new DefinitionError("flatten", `needs at least two streams, got ${streams.length}`, "pass an array of two or more streams");
  return streamOf(
    node(
      "flatten",
      streams.map((s) => s.node),
      {},
      opts,
    ),
  );
};
