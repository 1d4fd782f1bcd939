/**
 * The handoff checkpoint: a batch run's engine state at a cut, from which a
 * stream continues (docs/semantics.md §17).
 *
 * @module
 */
export { assertCheckpointFor, CHECKPOINT_FORMAT, parseCheckpoint } from "./format.ts";
export type { Checkpoint, CheckpointEntry, CheckpointStore } from "./format.ts";
export { assertHandoff, CHECKPOINTED_OPS, handoffProblems } from "./rules.ts";
export type { HandoffProblem } from "./rules.ts";
export { RecordingStateBackend } from "./recording-state.ts";
