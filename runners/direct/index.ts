/**
 * The DirectRunner: in-memory reference execution of lockstep definitions.
 *
 * @module
 */
export { DirectRunner, runDirect, resolveDefinition, recordsOf } from "./runner.ts";
export type { DirectRunOptions, InputSource, RunResult } from "./runner.ts";
export { handoffProblems, parseCheckpoint } from "../../src/engine/checkpoint/index.ts";
export type { Checkpoint, HandoffProblem } from "../../src/engine/checkpoint/index.ts";
