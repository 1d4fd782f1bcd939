/**
 * Semantic checks of a plan whose JSON shape is already valid: references,
 * keys, event time, windows, and the registry. Every problem is reported with
 * the stage it is in and the fix; all problems are collected before throwing.
 *
 * The checks live by family in `validate/`: one validator per op
 * (`validate/nodes.ts` is the table), the wiring of the stages, and the
 * executors' references; this module runs them in order.
 *
 * @module
 */
import { DefinitionError, DefinitionErrors } from "../core/errors.ts";
import type { Executor } from "../registry/executor.ts";
import type { Registry } from "../registry/registry.ts";
import type { PlanNode, UnhashedPlan } from "./ir.ts";
import { inputsOf } from "./ir.ts";
import { inferRowTypes } from "./row-types.ts";
import { checkServe } from "./validate-serve.ts";
import { checkExecutorRefs, hooksResolver } from "./validate/executor-refs.ts";
import type { StreamFacts } from "./validate/facts.ts";
import { UNSHAPED } from "./validate/facts.ts";
import { validateNode } from "./validate/nodes.ts";
import { checkWiring } from "./validate/wiring.ts";

export type { StreamFacts } from "./validate/facts.ts";

/**
 * Computes the facts of every node and reports problems, including every
 * field reference that does not resolve against the inferred row types
 * (`row-types.ts`). Throws `DefinitionErrors` if any.
 *
 * @param executors the executors the plan's references resolve to (default:
 *   the registry's), so row types can pass through executors that keep
 *   their input's shape; without them an executor's output row is open
 */
export const validatePlan = (
  plan: UnhashedPlan,
  registry?: Registry,
  executors: ReadonlyMap<string, Executor> | undefined = registry?.executors,
): Map<string, StreamFacts> => {
  const errors: DefinitionError[] = [];
  const facts = new Map<string, StreamFacts>();
  const byId = new Map<string, PlanNode>();
  const used = new Set<string>();
  const index = new Map<PlanNode, number>(plan.nodes.map((n, i) => [n, i]));
  // The JSON path first (for files), then the stage name (for DSL authors).
  const err = (n: PlanNode | string, problem: string, fix: string) =>
    errors.push(new DefinitionError(typeof n === "string" ? n : `nodes[${index.get(n)}], stage "${n.id}" (${n.op})`, problem, fix));

  plan.nodes.forEach((node, i) => {
    if (byId.has(node.id)) err(`nodes[${i}]`, `the stage name "${node.id}" is used twice`, "give each stage its own name");
    for (const input of inputsOf(node)) {
      if (!byId.has(input)) err(node, `reads "${input}", which is not an earlier stage`, "list stages in order, inputs first, and check the name");
      used.add(input);
    }
    byId.set(node.id, node);
    const ins = inputsOf(node)
      .map((id) => facts.get(id))
      .filter((f): f is StreamFacts => f !== undefined);
    const input = ins[0] ?? UNSHAPED;
    const report = (problem: string, fix: string) => err(node, problem, fix);
    const out = validateNode({
      node,
      ins,
      input,
      byId,
      registry,
      report,
      push: (...built) => errors.push(...built),
      needKey: (what) => {
        if (input.key === null) report(`${what} needs a keyed stream`, `add L.keyBy(...) before this stage`);
      },
      noMultiPane: () => {
        if (input.multiPane) {
          report(
            "reads the panes of an earlier keyed aggregate that may fire more than once, so its result would count some elements twice",
            "chain keyed aggregates only after a global window without early firings, or split the pipeline in two",
          );
        }
      },
    });
    facts.set(node.id, out);
  });

  checkWiring(plan, used, err);
  const hooks = hooksResolver(plan, executors);
  const inferred = inferRowTypes(plan, facts, hooks);
  for (const p of inferred.problems) err(p.node, p.problem, p.fix);
  for (const n of plan.nodes) if (n.op === "sink" && n.serve) checkServe(n, inferred.rows.get(n.id)?.row, plan, registry, hooks, err);
  if (registry) checkExecutorRefs(plan, registry, err);
  if (errors.length > 0) throw new DefinitionErrors(errors);
  return facts;
};
