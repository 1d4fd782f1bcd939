import type { Executor } from "../../src/registry/executor.ts";
import { node, streamOf } from "../stream.ts";
import type { StageOptions, Stream, Windowing } from "../stream.ts";

/** Runs an executor (normalize → filter → enrich → featurize) on every element. */
export const apply =
  <I, O>(executor: Executor<I, O>, opts?: StageOptions) =>
  <K, W extends Windowing>(s: Stream<I, K, W>): Stream<O, K, W> =>
    streamOf(node("apply", [s.node], { executor: executor.ref }, opts, { uses: [executor] }));
