/**
 * `load`: plan JSON → a pipeline value that compiles back to the identical
 * plan. The JSON is validated (shape, references, keys, windows) and every
 * executor and combiner it references must be in the registry: an unknown
 * executor or version is an error here, at load time, never at run time.
 * Expressions stay data; nothing in a plan can run code the registry does not
 * hold.
 *
 * @module
 */
import { DefinitionError, DefinitionErrors } from "../core/errors.ts";
import type { Registrable, Registry } from "../registry/registry.ts";
import { fromSchema } from "../schema/from-schema.ts";
import { decodePlan } from "./codec.ts";
import { hashPlan } from "./compile.ts";
import type { GraphNode, Pipeline } from "./graph.ts";
import { inputsOf } from "./ir.ts";
import type { Plan, PlanNode } from "./ir.ts";
import { validatePlan } from "./validate.ts";
import { serveExecutors } from "./serve.ts";

/** Parses (when text), decodes and fully validates a plan. Throws `DefinitionErrors`. */
export const parsePlan = (json: unknown, registry?: Registry): Plan => {
  let value = json;
  if (typeof json === "string") {
    try {
      value = JSON.parse(json);
    } catch (e) {
      throw new DefinitionErrors([new DefinitionError("(root)", `not valid JSON (${(e as Error).message})`, "pass the file written by `lockstep compile`")]);
    }
  }
  const decoded = decodePlan(value);
  if (!decoded.ok) throw new DefinitionErrors(decoded.errors);
  const { hash, ...unhashed } = decoded.plan;
  const actual = hashPlan(unhashed);
  if (hash !== actual) {
    throw new DefinitionErrors([
      new DefinitionError(
        "hash",
        `does not match the content (expected ${actual}); the file was changed after it was compiled`,
        'recompile it with `lockstep compile`, or set "hash" to the expected value if the edit was deliberate',
      ),
    ]);
  }
  validatePlan(unhashed, registry);
  return decoded.plan;
};

const bodyOf = (n: PlanNode): Record<string, unknown> => {
  const { id: _id, op: _op, ...rest } = n as unknown as Record<string, unknown>;
  // Input references are rebuilt as graph edges; a lookup's "table" is one.
  for (const k of ["input", "inputs", "left", "right"]) delete rest[k];
  if (n.op === "lookup") delete rest.table;
  return rest;
};

const usesOf = (n: PlanNode, registry: Registry): Registrable[] => {
  switch (n.op) {
    case "apply":
      return [registry.executors.get(n.executor)!];
    case "dispatch":
      return Object.values(n.branches).flatMap((b) => (b === "keep" || b === "drop" ? [] : [registry.executors.get(b)!]));
    case "combine":
      return n.aggs.flatMap(([, a]) => (a.fn === "custom" ? [registry.combiners.get(a.combiner)!] : []));
    case "sink":
      return serveExecutors(n.serve).map((ref) => registry.executors.get(ref)!);
    default:
      return [];
  }
};

/** Rebuilds the definition graph of a validated plan (stage names kept as explicit names). */
export const graphOfPlan = (plan: Plan, registry: Registry): GraphNode[] => {
  const built = new Map<string, GraphNode>();
  for (const n of plan.nodes) {
    const uses = usesOf(n, registry);
    const g: GraphNode = {
      op: n.op,
      name: n.id,
      inputs: inputsOf(n).map((id) => built.get(id)!),
      body: bodyOf(n),
      ...(n.op === "source" || n.op === "table" ? { codec: fromSchema(n.schema) } : {}),
      ...(uses.length > 0 ? { uses } : {}),
    };
    built.set(n.id, g);
  }
  return plan.nodes.filter((n) => n.op === "sink").map((n) => built.get(n.id)!);
};

/**
 * Loads a plan as a pipeline value. Its parameters are fixed to those it was
 * compiled with: asking for other values is an error that says to recompile.
 */
export const load = (json: unknown, registry: Registry): Pipeline => {
  const plan = parsePlan(json, registry);
  const sinks = graphOfPlan(plan, registry);
  return {
    kind: "pipeline",
    name: plan.name,
    version: plan.version,
    params: plan.params,
    services: plan.services,
    build: (given) => {
      for (const [k, v] of Object.entries(given)) {
        // Own keys only: a parameter named "constructor" must not find Object.prototype's.
        const compiled = Object.hasOwn(plan.params, k) ? plan.params[k] : undefined;
        if (compiled !== v) {
          throw new DefinitionError(
            `params.${k}`,
            compiled === undefined ? `this compiled definition has no parameter "${k}"` : `this definition was compiled with ${k}=${compiled}, not ${v}`,
            "recompile the pipeline module with the parameters you want (lockstep compile … --param k=v)",
          );
        }
      }
      return sinks;
    },
  };
};
