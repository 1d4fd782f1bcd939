/**
 * From what the CLI is pointed at to a validated plan: a pipeline module is
 * built with its `--param`s and compiled; a compiled `.json` is parsed,
 * validated and checked against the `--param`s it was built with.
 *
 * @module
 */
import { DefinitionError, DefinitionErrors } from "../core/errors.ts";
import { compile, registryOf } from "../plan/compile.ts";
import { parsePlan } from "../plan/load.ts";
import type { Plan } from "../plan/ir.ts";
import type { Pipeline } from "../plan/graph.ts";
import type { Registry } from "../registry/registry.ts";
import { createRegistry, mergeRegistries } from "../registry/registry.ts";
import { loadDefinition, loadExecutors } from "./load-definition.ts";
import type { Definition } from "./load-definition.ts";
import { UsageError } from "./usage-error.ts";

/**
 * Refuses parameters a pipeline module does not declare, before building it
 * (the DSL's own check throws a plain error that would read as a failed run).
 */
export const checkParams = (pipeline: Pipeline, params: Record<string, string>): void => {
  const known = Object.keys(pipeline.params);
  for (const k of Object.keys(params)) {
    if (!known.includes(k)) {
      throw new UsageError(
        `--param ${k}=…: pipeline "${pipeline.name}" has no parameter "${k}". Fix: ${known.length ? `use one of ${known.join(", ")}` : "drop --param: this pipeline takes no parameters"}`,
      );
    }
  }
};

/**
 * Builds a pipeline module's graph (`build`, e.g. `compile` or
 * `registryOf`). A plain error thrown while building comes from the
 * pipeline's own code or the DSL's checks, so it is reported as an invalid
 * definition (exit 2), not as a failed run.
 */
export const building = <A>(path: string, params: Record<string, string>, build: () => A): A => {
  try {
    return build();
  } catch (e) {
    if (e instanceof DefinitionError || e instanceof DefinitionErrors || e instanceof UsageError || !(e instanceof Error)) throw e;
    const fix = /\bFix: /.test(e.message) ? "" : `. Fix: correct the pipeline module${Object.keys(params).length ? " or the --param values given" : ""}`;
    throw new UsageError(`${path}: the pipeline cannot be built: ${e.message}${fix}`);
  }
};

/** Refuses `--param` values that differ from those a compiled plan was built with. */
const checkPlanParams = (plan: Plan, path: string, params: Record<string, string>): void => {
  for (const [k, v] of Object.entries(params)) {
    const compiled = Object.hasOwn(plan.params, k) ? plan.params[k] : undefined; // own keys: not Object.prototype's
    if (compiled !== v) {
      throw new DefinitionError(
        `params.${k}`,
        `${path} was compiled with ${k}=${compiled ?? "(no such parameter)"}`,
        "recompile the pipeline module with `lockstep compile <module> --param …`",
      );
    }
  }
};

/** Resolves a definition into a validated plan and the registry to run it with. */
export const planOf = async (def: Definition, params: Record<string, string>, executorsPath?: string): Promise<{ plan: Plan; registry: Registry }> => {
  const extra = executorsPath ? await loadExecutors(executorsPath) : createRegistry();
  if (def.kind === "module") {
    checkParams(def.pipeline, params);
    const registry = mergeRegistries(
      building(def.path, params, () => registryOf(def.pipeline, params)),
      extra,
    );
    return { plan: building(def.path, params, () => compile(def.pipeline, params)), registry };
  }
  const plan = parsePlan(def.json, extra);
  checkPlanParams(plan, def.path, params);
  return { plan, registry: extra };
};

/** The plan of a module or compiled file, for commands that only describe it (no executors needed). */
export const planToShow = async (path: string, params: Record<string, string>): Promise<Plan> => {
  const def = await loadDefinition(path);
  if (def.kind === "module") {
    checkParams(def.pipeline, params);
    return building(def.path, params, () => compile(def.pipeline, params));
  }
  const plan = parsePlan(def.json);
  checkPlanParams(plan, def.path, params);
  return plan;
};
