/**
 * Validation of a sink's serving declaration (`src/plan/serve.ts`): its
 * parameters, every reference of its stages against the request scope, and
 * the executors its `apply` stages name.
 *
 * @module
 */
import type { Registry } from "../registry/registry.ts";
import { describeKnown } from "../registry/registry.ts";
import type { SchemaJson } from "../schema/json-schema.ts";
import type { SinkNode, UnhashedPlan } from "./ir.ts";
import { UNKNOWN } from "./schema-fields.ts";
import { serveExecutors, serveProblems } from "./serve.ts";

/**
 * Reports every problem of `n.serve` through `err` (the problem starts with
 * the path below the sink, e.g. `serve.stages[1] (limit).count`).
 */
export const checkServe = (
  n: SinkNode,
  row: SchemaJson | undefined,
  plan: UnhashedPlan,
  registry: Registry | undefined,
  hooks: (ref: string) => readonly string[] | undefined,
  err: (n: SinkNode, problem: string, fix: string) => void,
): void => {
  if (!n.serve) return;
  for (const p of serveProblems(n.serve, row ?? UNKNOWN, hooks)) err(n, `${p.path}: ${p.problem}`, p.fix);
  for (const ref of serveExecutors(n.serve)) {
    if (!plan.executors.includes(ref))
      err(n, `serve: uses executor "${ref}", which the definition's "executors" does not list`, `add "${ref}" to "executors" (lockstep compile does)`);
    else if (registry && !registry.executors.has(ref))
      err(
        n,
        `serve: uses executor "${ref}", which is not registered (${describeKnown(registry, ref, "executor")})`,
        "register that executor version (--executors <module>)",
      );
  }
};
