/**
 * Portable definitions: the plan IR, `compile`, `load` and validation.
 *
 * @module
 */
export * from "./ir.ts";
export type { GraphNode, Pipeline } from "./graph.ts";
export { isPipeline } from "./graph.ts";
export { compile, graphOf, hashPlan, nameStages, planToJson, registryOf, resolveParams, STAGE_NAME } from "./compile.ts";
export { decodePlan } from "./codec.ts";
export { graphOfPlan, load, parsePlan } from "./load.ts";
export { validatePlan } from "./validate.ts";
export type { StreamFacts } from "./validate.ts";
export { inferRowTypes } from "./row-types.ts";
export type { FieldProblem, RowFacts } from "./row-types.ts";
