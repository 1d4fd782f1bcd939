/**
 * The FlinkRunner (first slice): lockstep definitions compiled to Flink SQL
 * and run through a SQL Gateway, with the DirectRunner's final view, dead
 * letters and late elements; what the slice cannot run exactly is refused
 * with the stage and the reason.
 *
 * @module
 */
export { FlinkRunner, runFlink } from "./runner.ts";
export type { FlinkRunOptions } from "./runner.ts";
export { compile } from "./compile.ts";
export type { Compiled, CompiledStage, FlinkProgram } from "./compile.ts";
export { explainFlink, formatFlinkExplanation } from "./explain.ts";
export type { FlinkExplanation } from "./explain.ts";
export type { Refusal } from "./step.ts";
export { topicInputOf } from "./topic-input.ts";
export type { TopicInput } from "./topic-input.ts";
