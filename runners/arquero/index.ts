/**
 * The ArqueroBatchRunner: lockstep definitions as columnar batch jobs on
 * arquero, with the DirectRunner's final view, dead letters and late
 * elements.
 *
 * @module
 */
export { ArqueroRunner, runArquero } from "./runner.ts";
export type { ArqueroRunOptions } from "./runner.ts";
export { explain, formatExplanation } from "./explain.ts";
export type { ExplainedStage, Explanation } from "./explain.ts";
export type { StepMode } from "./step-mode.ts";
