/**
 * What the main thread and a shard's worker thread of a DirectRunner run with
 * `workers` send each other (shards.ts, shard-worker.ts). Everything is
 * structured-cloneable: plain data, no code.
 *
 * @module
 */
import type { DeadLetter, LateElement, OnExecutorError, RawRecord, StageMetrics } from "../../src/engine/index.ts";
import type { FinalViewParts } from "../../src/engine/final-view.ts";
import type { Plan } from "../../src/plan/ir.ts";
import type { SerializedError } from "./shard-errors.ts";

/** Where a worker thread gets the run's registry: it imports `module` (a path or URL) and calls its export `workerRegistry(arg)`. */
export interface WorkerRegistry {
  readonly module: string;
  readonly arg?: unknown;
}

/** A worker thread's `workerData`. */
export interface ShardData {
  readonly plan: Plan;
  /** Absent: the plan references no executors, combiners or services. */
  readonly registry?: WorkerRegistry;
  readonly onExecutorError: OnExecutorError;
  /** Inputs (tables and sources) by the index a batch names them with. */
  readonly inputIds: readonly string[];
}

/** To a worker: a batch of records (`inputs[i]` is the input index of `records[i]`), or the end of input. */
export type ToShard = { readonly kind: "records"; readonly inputs: readonly number[]; readonly records: readonly RawRecord[] } | { readonly kind: "end" };

/** From a worker: a batch pushed, its results at the end of input, or a failure. */
export type FromShard =
  | { readonly kind: "ack" }
  | {
      readonly kind: "done";
      readonly views: Readonly<Record<string, FinalViewParts>>;
      readonly deadLetters: readonly DeadLetter[];
      readonly late: readonly LateElement[];
      readonly metrics: Readonly<Record<string, StageMetrics>>;
    }
  | { readonly kind: "error"; readonly error: SerializedError };
