/**
 * The DirectRunner: in-memory reference execution of lockstep definitions.
 *
 * @module
 */
export { DirectRunner, runDirect, resolveDefinition, recordsOf } from "./runner.ts";
export type { DirectRunOptions, InputSource, RunResult } from "./runner.ts";
