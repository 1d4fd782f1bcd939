/**
 * What every runner does first: turn a pipeline value, plan object or plan
 * JSON into a validated plan plus the registry to run it with.
 *
 * @module
 */
import { DefinitionError } from "../core/errors.ts";
import type { Registry } from "../registry/registry.ts";
import { createRegistry, mergeRegistries } from "../registry/registry.ts";
import type { Pipeline } from "../plan/graph.ts";
import { isPipeline } from "../plan/graph.ts";
import { compile, registryOf } from "../plan/compile.ts";
import type { Plan } from "../plan/ir.ts";
import { parsePlan } from "../plan/load.ts";

/** Resolves a pipeline value or plan (JSON or object) into a plan and registry. */
export const resolveDefinition = (
  def: Pipeline | Plan | string,
  registry: Registry | undefined,
  params: Readonly<Record<string, string>> = {},
): { plan: Plan; registry: Registry } => {
  if (isPipeline(def)) {
    const own = registryOf(def, params);
    const reg = registry ? mergeRegistries(own, registry) : own;
    return { plan: compile(def, params), registry: reg };
  }
  const reg = registry ?? createRegistry();
  const plan = parsePlan(def, reg);
  for (const [k, v] of Object.entries(params)) {
    const compiled = Object.hasOwn(plan.params, k) ? plan.params[k] : undefined; // own keys: not Object.prototype's
    if (compiled !== v) {
      throw new DefinitionError(
        `params.${k}`,
        `this compiled definition was built with ${k}=${compiled ?? "(none)"}`,
        "recompile the pipeline with the parameters you want",
      );
    }
  }
  return { plan, registry: reg };
};
