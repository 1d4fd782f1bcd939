/**
 * `compile`: a pipeline definition → its portable JSON plan.
 *
 * Stage names: a name the user gave is used as is. Otherwise the name is
 * derived from what cannot change when unrelated parts of the pipeline are
 * edited: the sources (and tables) the stage reads from and its op, e.g.
 * `events.sequence`; a second stage with the same base gets `.2`, and so on,
 * in topological order. Inserting a stateless `filter` upstream therefore
 * leaves the names (and so the state) of keyed stages alone.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { canonicalJson } from "../core/canonical.ts";
import { DefinitionError, DefinitionErrors } from "../core/errors.ts";
import type { Registrable, Registry } from "../registry/registry.ts";
import { createRegistry } from "../registry/registry.ts";
import type { GraphNode, Pipeline } from "./graph.ts";
import { PLAN_FORMAT } from "./ir.ts";
import { hooksOf } from "../registry/executor.ts";
import type { Plan, PlanNode, UnhashedPlan } from "./ir.ts";
import { depthError } from "./codec.ts";
import { validatePlan } from "./validate.ts";

/** Stage names: letters, digits, `.`, `_`, `-` (also legal in Kafka topic names). */
export const STAGE_NAME = /^[A-Za-z0-9._-]{1,200}$/;

/** The graph of a pipeline for the given parameters, in topological order (inputs before users). */
export const graphOf = (pipeline: Pipeline, params: Readonly<Record<string, string>> = {}): GraphNode[] => {
  const sinks = pipeline.build(params);
  const order: GraphNode[] = [];
  const seen = new Set<GraphNode>();
  const visit = (n: GraphNode): void => {
    if (seen.has(n)) return;
    seen.add(n);
    for (const i of n.inputs) visit(i);
    order.push(n);
  };
  for (const s of sinks) visit(s);
  return order;
};

/** Parameter values with defaults filled in, keys sorted. */
export const resolveParams = (pipeline: Pipeline, given: Readonly<Record<string, string>> = {}): Record<string, string> => {
  const all: Record<string, string> = { ...pipeline.params, ...given };
  return Object.fromEntries(
    Object.keys(all)
      .sort()
      .map((k) => [k, all[k]!]),
  );
};

/** Assigns every node its stage name (see the module comment). */
export const nameStages = (order: readonly GraphNode[]): Map<GraphNode, string> => {
  const names = new Map<GraphNode, string>();
  const taken = new Map<string, GraphNode>();
  for (const n of order) {
    if (n.name === undefined) continue;
    if (!STAGE_NAME.test(n.name)) {
      throw new DefinitionError(
        `stage "${n.name}"`,
        `a ${n.op} stage name may hold only letters, digits, ".", "_" and "-"`,
        `rename it, e.g. "${n.name.replace(/[^A-Za-z0-9._-]+/g, "-")}"`,
      );
    }
    const prior = taken.get(n.name);
    if (prior && prior !== n) {
      throw new DefinitionError(`stage "${n.name}"`, `two different stages (${prior.op} and ${n.op}) are named "${n.name}"`, "give each stage its own name");
    }
    taken.set(n.name, n);
    names.set(n, n.name);
  }
  const roots = new Map<GraphNode, string[]>();
  for (const n of order) {
    const r = n.inputs.length === 0 ? [names.get(n)!] : [...new Set(n.inputs.flatMap((i) => roots.get(i)!))].sort();
    roots.set(n, r);
    if (names.has(n)) continue;
    const base = `${r.join("-")}.${n.op}`;
    let name = base;
    for (let i = 2; taken.has(name); i++) name = `${base}.${i}`;
    taken.set(name, n);
    names.set(n, name);
  }
  return names;
};

/** The plan node for a graph node. */
const planNodeOf = (n: GraphNode, names: Map<GraphNode, string>): PlanNode => {
  const id = names.get(n)!;
  const ins = n.inputs.map((i) => names.get(i)!);
  const head: Record<string, unknown> = { id, op: n.op };
  switch (n.op) {
    case "source":
    case "table":
      break;
    case "join":
      head.left = ins[0];
      head.right = ins[1];
      break;
    case "flatten":
      head.inputs = ins;
      break;
    case "lookup":
      head.input = ins[0];
      head.table = ins[1];
      break;
    default:
      head.input = ins[0];
  }
  return { ...head, ...n.body } as unknown as PlanNode;
};

/** `sha256:` + the hex digest of the canonical JSON of an unhashed plan. */
export const hashPlan = (plan: UnhashedPlan): string => "sha256:" + createHash("sha256").update(canonicalJson(plan)).digest("hex");

/** Executors and combiners a graph references. */
export const usesOf = (order: readonly GraphNode[]): Registrable[] => order.flatMap((n) => n.uses ?? []);

/**
 * Compiles a pipeline to its plan. Throws {@link DefinitionError}s (collected
 * in one `DefinitionErrors`) when the definition is invalid.
 */
export const compile = (pipeline: Pipeline, params: Readonly<Record<string, string>> = {}): Plan => {
  const resolved = resolveParams(pipeline, params);
  const order = graphOf(pipeline, resolved);
  const names = nameStages(order);
  const nodes = order.map((n) => planNodeOf(n, names));
  const executors = [...new Set(usesOf(order).map((u) => u.ref))].sort();
  const own = createRegistry(usesOf(order)).executors;
  const executorHooks = Object.fromEntries(executors.filter((r) => own.has(r)).map((r) => [r, hooksOf(own.get(r)!)]));
  const unhashed: UnhashedPlan = {
    format: PLAN_FORMAT,
    name: pipeline.name,
    version: pipeline.version,
    params: resolved,
    services: Object.fromEntries(
      Object.keys(pipeline.services)
        .sort()
        .map((k) => [k, pipeline.services[k]!]),
    ),
    executors,
    ...(Object.keys(executorHooks).length > 0 ? { executorHooks } : {}),
    nodes,
  };
  const tooDeep = depthError(unhashed, "");
  if (tooDeep) throw new DefinitionErrors([tooDeep]); // before hashing and validation, which recurse
  // The executors are the pipeline's own: row types may pass through those that keep their input's shape.
  validatePlan(unhashed, undefined, own);
  const { format, name, version, services } = unhashed;
  return {
    format,
    name,
    version,
    hash: hashPlan(unhashed),
    params: resolved,
    services,
    executors,
    ...(unhashed.executorHooks ? { executorHooks } : {}),
    nodes,
  };
};

/** The plan as the JSON text `lockstep compile` writes. */
export const planToJson = (plan: Plan): string => JSON.stringify(plan, null, 2) + "\n";

/** A registry of the executors and combiners a pipeline value references. */
export const registryOf = (pipeline: Pipeline, params: Readonly<Record<string, string>> = {}): Registry =>
  createRegistry(usesOf(graphOf(pipeline, resolveParams(pipeline, params))));
