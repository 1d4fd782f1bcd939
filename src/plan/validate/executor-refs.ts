/**
 * Checks of the executors a plan references against the registry: their
 * hooks are those the definition was compiled with, and the services they
 * call are declared by the pipeline.
 *
 * @module
 */
import { canonicalJson } from "../../core/canonical.ts";
import type { Executor, ExecutorHook } from "../../registry/executor.ts";
import { hooksOf } from "../../registry/executor.ts";
import type { Registry } from "../../registry/registry.ts";
import type { UnhashedPlan } from "../ir.ts";
import type { Report } from "./wiring.ts";

/** The hooks the plan recorded for an executor when it was compiled, if any. */
export const recordedHooks = (plan: UnhashedPlan, ref: string): readonly ExecutorHook[] | undefined =>
  plan.executorHooks && Object.hasOwn(plan.executorHooks, ref) ? plan.executorHooks[ref] : undefined;

/**
 * An executor's hooks: from its code when it is at hand, else as the plan
 * recorded them (so row types can pass through executors that keep their
 * input's shape).
 */
export const hooksResolver =
  (plan: UnhashedPlan, executors: ReadonlyMap<string, Executor> | undefined) =>
  (ref: string): readonly ExecutorHook[] | undefined => {
    const ex = executors?.get(ref);
    return ex ? hooksOf(ex) : recordedHooks(plan, ref);
  };

/** Reports executors whose hooks changed since compiling and services they call that the pipeline does not declare. */
export const checkExecutorRefs = (plan: UnhashedPlan, registry: Registry, report: Report): void => {
  for (const ref of plan.executors) {
    const ex = registry.executors.get(ref);
    const recorded = recordedHooks(plan, ref);
    if (ex && recorded && canonicalJson(hooksOf(ex)) !== canonicalJson(recorded)) {
      report(
        `executor "${ref}"`,
        `has the hooks ${hooksOf(ex).join(", ") || "(none)"}, but the definition was compiled with ${recorded.join(", ") || "(none)"}`,
        `give the changed executor a new version (its behaviour changed), or recompile the definition`,
      );
    }
    for (const s of ex?.uses ?? []) {
      // Own keys only: a service named "constructor" is not declared by Object.prototype.
      if (!Object.hasOwn(plan.services, s))
        report(
          `executor "${ref}"`,
          `calls the service "${s}", which the pipeline does not declare`,
          `declare it: L.pipeline(name, { services: { ${s}: { timeoutMs: 500 } } }, …)`,
        );
    }
  }
};
