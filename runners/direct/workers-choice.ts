/**
 * Whether a DirectRunner run asked for `workers > 1` can use them, and if not,
 * why: the run then goes on one thread and says so once. It is never an
 * error — the output is the same either way; only the speed differs.
 *
 * @module
 */
import { firstRepartitionedStage } from "../../src/engine/topology/partitioning.ts";
import type { Plan } from "../../src/plan/ir.ts";
import type { Registry } from "../../src/registry/registry.ts";
import type { StateChoice } from "../../src/run/options.ts";

/** What decides it besides the plan. */
export interface WorkersAsk {
  readonly registry: Registry;
  /** True when the run names a module the workers can rebuild the registry from. */
  readonly registryReloadable: boolean;
  readonly state?: StateChoice;
  readonly handoff: boolean;
}

/** Whether a registry holds code (executors, combiners, services): a worker thread must then load it itself. */
export const holdsCode = (registry: Registry): boolean => registry.executors.size + registry.combiners.size + registry.services.size > 0;

/** Why `plan` runs on one thread despite `workers > 1`, or undefined when it can be sharded. */
export const singleThreadReason = (plan: Plan, ask: WorkersAsk): string | undefined => {
  if (ask.handoff) return "a handoff checkpoint is the state of one engine";
  if (ask.state !== undefined && ask.state !== "memory") return "state in LMDB (--state lmdb) is one engine's";
  // Until the DirectRunner has an exchange between its threads, a cut edge keeps the run on one.
  const stage = firstRepartitionedStage(plan);
  if (stage !== undefined) return `pipeline "${plan.name}" needs a repartition before stage "${stage}"`;
  if (holdsCode(ask.registry) && !ask.registryReloadable)
    return `pipeline "${plan.name}" runs executors, combiners or services a worker thread cannot load (give workerRegistry: a module exporting workerRegistry(arg))`;
  return undefined;
};
