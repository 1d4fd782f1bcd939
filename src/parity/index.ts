/**
 * Cross-runner parity as a product: generated event histories (from a
 * pipeline's own schemas) and generated pipelines, run on several runners,
 * compared, shrunk and reported; plus the consistency report between two
 * final views.
 *
 * - {@link checkParity} / {@link assertParity}: one pipeline × generated histories;
 * - {@link checkRecipeParity}: generated pipelines × generated histories;
 * - `src/parity/vitest.ts`: `expect(pipeline).toHaveParity({ runners })`;
 * - `lockstep parity` and `lockstep diff` on the command line.
 *
 * @module
 */
export { checkParity, assertParity, checkRecipeParity, runCase, resolveRunners, ParityError, ParityUsageError } from "./harness.ts";
export type { ParityOptions, ParityReport, ParityStats, RecipeParityOptions } from "./harness.ts";
export { historyArb, historiesFor, historySize, interestingDeltas } from "./histories.ts";
export type { History, HistoryOptions } from "./histories.ts";
export { historyModelOf, outputKeysOf } from "./model.ts";
export type { HistoryModel, InputModel } from "./model.ts";
export { registerRunner, runnerNames, runnerOf, mapResult, reorder } from "./runners.ts";
export type { ParityRunner, RunContext } from "./runners.ts";
export { compareOutcomes, bagDiff, sinkDiff, isSame } from "./compare.ts";
export type { Outcome, RunnerDiff, SinkDiff, BagDiff } from "./compare.ts";
export { renderDiff, renderHistory, renderPlan, renderExpr } from "./report.ts";
export { diffViews, formatConsistency, editDistance } from "./diff.ts";
export type { ConsistencyReport, DiffOptions, FieldStats, EditDistanceStats } from "./diff.ts";
export { recipeArb, buildPipeline, inputsOfRecipe, recipeHistoryModel } from "./pipelines.ts";
export type { Recipe } from "./pipelines.ts";
