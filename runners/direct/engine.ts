/**
 * The DirectRunner's engine over one state backend: the topology, each sink's
 * final view, and the dead letters, late elements and metrics it collects.
 * One construction for the run on one thread and for each worker thread of
 * a run with `workers` (shard-worker.ts), so both run the same engine.
 *
 * @module
 */
import { boundDeadLetter, buildTopology, FinalView, newMetrics } from "../../src/engine/index.ts";
import type { DeadLetter, LateElement, OnExecutorError, SinkView, StageMetrics, StateBackend } from "../../src/engine/index.ts";
import type { Plan } from "../../src/plan/ir.ts";
import type { Registry } from "../../src/registry/registry.ts";

/** A state backend as the DirectRunner uses it: closed at the end, and (LMDB) keeping the final views beside the state. */
export type DirectState = StateBackend & { close?(): Promise<void>; finalView?(sink: string): SinkView };

/** A topology wired to its final views and side outputs. */
export interface DirectEngine {
  readonly topo: ReturnType<typeof buildTopology>;
  readonly views: Map<string, SinkView>;
  readonly deadLetters: DeadLetter[];
  readonly late: LateElement[];
  readonly metrics: Record<string, StageMetrics>;
}

/** Builds the engine of `plan` over `state`. */
export const directEngine = (plan: Plan, registry: Registry, state: DirectState, onExecutorError: OnExecutorError): DirectEngine => {
  const deadLetters: DeadLetter[] = [];
  const late: LateElement[] = [];
  const metrics: Record<string, StageMetrics> = {};
  // With state on disk the final views live beside it; in memory they are in memory.
  const views = new Map<string, SinkView>();
  for (const n of plan.nodes) if (n.op === "sink") views.set(n.id, state.finalView?.(n.id) ?? new FinalView());
  const topo = buildTopology(
    plan,
    {
      registry,
      state,
      onExecutorError,
      deadLetter: (d) => deadLetters.push(boundDeadLetter(d)),
      late: (l) => late.push(l),
      metrics: (stage) => (metrics[stage] ??= newMetrics()),
    },
    (sink, e) => views.get(sink)!.add(e),
  );
  return { topo, views, deadLetters, late, metrics };
};
