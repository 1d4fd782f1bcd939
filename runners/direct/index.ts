/**
 * The DirectRunner: in-memory reference execution of lockstep definitions.
 *
 * @module
 */
export { DirectRunner, runDirect, runDirectViews, resolveDefinition, recordsOf } from "./runner.ts";
export type { DirectRunOptions, DirectRunResult, DirectRunViews, InputSource, RunResult, WorkerRegistry } from "./runner.ts";
export { handoffProblems, parseCheckpoint } from "../../src/engine/checkpoint/index.ts";
export type { Checkpoint, HandoffProblem } from "../../src/engine/checkpoint/index.ts";
