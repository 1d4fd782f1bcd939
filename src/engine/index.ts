/**
 * The shared record-at-a-time engine: operators, windows, state interface,
 * final views. Runners add IO, scheduling and a state backend.
 *
 * @module
 */
export { buildTopology, exactCleanupOf, keepsSourceKey } from "./topology.ts";
export type { RawRecord, SinkHandler, Topology, TopologyOptions } from "./topology.ts";
export { applySinkElement, FinalView, sortCanonical } from "./final-view.ts";
export type { PaneStore, SinkView } from "./final-view.ts";
export { MemoryStateBackend } from "./state.ts";
export type { KeyedStore, StateBackend } from "./state.ts";
export type { DeadLetter, EngineContext, LateElement, OnExecutorError, Operator, StageMetrics } from "./operator.ts";
export { newMetrics } from "./operator.ts";
export { boundDeadLetter, DEAD_LETTER_PAYLOAD_BYTES, DEAD_LETTER_REASON_CHARS } from "./dead-letter.ts";
export type { Elem, Origin } from "./elem.ts";
export { ServiceCaller, ServiceError, ServiceUnavailableError, serviceCallers } from "./services.ts";
export { runHooks } from "./ops/executors.ts";
export { enrichContexts } from "./ops/executors/enrich-context.ts";
