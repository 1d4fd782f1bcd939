/**
 * lockstep's authoring API: define a pipeline once, as a pure typed value,
 * and run it on any runner.
 *
 * ```ts
 * import { pipe } from "fp-ts/function";
 * import * as L from "lockstep";
 * export default L.pipeline("wordcount", { version: 1 }, ({ source, sink }) =>
 *   pipe(source("lines", Line), L.flatMap((e) => e.field("line").lower().split(/[^a-z']+/), { as: "word" }), …));
 * ```
 *
 * @module
 */
export { pipe } from "fp-ts/lib/function.js";
export { pipeline, DEFAULT_SERVICE_POLICY } from "./pipeline.ts";
export type { Pipeline, PipelineContext, ServiceOptions, SinkOptions } from "./pipeline.ts";
export { serve, serving } from "./serve.ts";
export type { RequestScope, Serving, ServingStage, StoredRow } from "./serve.ts";
export type { Sink, Stream, Table, StageOptions, Windowing } from "./stream.ts";
export { Expr, lit, when, coalesce, and, or, concat } from "./expr.ts";
export type { Operand } from "./expr.ts";
export { executor, combiner } from "./executor.ts";
export type { Executor, CustomCombiner, EnrichContext } from "../src/registry/executor.ts";
export { count, sum, min, max, mean, first, last, topK, collect, countDistinct, aggregate } from "./aggregates.ts";
export { map } from "./transforms/map.ts";
export { filter } from "./transforms/filter.ts";
export { flatMap } from "./transforms/flat-map.ts";
export { withTimestamps } from "./transforms/with-timestamps.ts";
export { keyBy } from "./transforms/key-by.ts";
export { dispatch, keep, drop } from "./transforms/dispatch.ts";
export { apply } from "./transforms/apply.ts";
export { window, global, fixed, sliding, session } from "./transforms/window.ts";
export type { Duration, WindowOptions } from "./transforms/window.ts";
export { combine } from "./transforms/combine.ts";
export type { WindowFields } from "./transforms/combine.ts";
export { groupByKey } from "./transforms/group-by-key.ts";
export { join } from "./transforms/join.ts";
export { lookup } from "./transforms/lookup.ts";
export { sequence } from "./transforms/sequence.ts";
export { dedupe } from "./transforms/dedupe.ts";
export { flatten } from "./transforms/flatten.ts";
export { compile, load, registryOf, planToJson } from "../src/plan/index.ts";
export type { Plan } from "../src/plan/index.ts";
export { createRegistry } from "../src/registry/registry.ts";
export type { Registry, ServiceCall, ServiceClient } from "../src/registry/registry.ts";
export { parseWindowSpec } from "../src/window/assign.ts";
export { parseDuration } from "../src/window/duration.ts";
export { LockstepError, DefinitionError, DefinitionErrors, RunError } from "../src/core/errors.ts";
export type { ErrorCode } from "../src/core/errors.ts";
