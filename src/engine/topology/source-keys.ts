/**
 * What the plan says about source keys at a keyed stage: whether every element
 * of a stage key comes from one source key. The engine uses it to decide
 * whether window state may be dropped early (§12); runners use it to skip
 * repartitioning.
 *
 * @module
 */
import type { Plan, PlanNode } from "../../plan/ir.ts";
import { inputsOf } from "../../plan/ir.ts";
import type { StreamFacts } from "../../plan/validate.ts";

/**
 * Whether a keyed stage may drop a window's state once the key's clock passes
 * its end plus lateness: only when every element of a stage key comes from one
 * source key, so the key's clock never goes back. Decided conservatively from
 * the plan: every path from a source must keep the source-key fields intact
 * (no map, flatMap or executor) and the stage key must include them.
 */
export const exactCleanupOf = (_plan: Plan, byId: Map<string, PlanNode>, facts: Map<string, StreamFacts>, node: PlanNode): boolean => {
  const key = facts.get(inputsOf(node)[0]!)?.key ?? [];
  // Two sources keyed alike still have independent clocks: only one source keeps a key's clock monotone.
  const sources = new Set<string>();
  const collect = (id: string): void => {
    const n = byId.get(id)!;
    if (n.op === "source") sources.add(n.id);
    else for (const i of inputsOf(n)) if (byId.get(i)!.op !== "table") collect(i);
  };
  inputsOf(node).forEach(collect);
  return sources.size === 1 && inputsOf(node).every((id) => keepsSourceKey(byId, id, key));
};

/**
 * True when every element leaving stage `id` with a given value of the `key`
 * fields comes from one source key: each source on the way is keyed by a
 * subset of `key`, and no stage in between rewrites fields (map, flatMap,
 * executors) or aggregates. Runners use it to skip repartitioning too.
 */
export const keepsSourceKey = (byId: ReadonlyMap<string, PlanNode>, id: string, key: readonly string[]): boolean => {
  const fields = new Set(key);
  const ok = (at: string): boolean => {
    const n = byId.get(at)!;
    switch (n.op) {
      case "source":
        return n.key.length > 0 && n.key.every((f) => fields.has(f));
      case "filter":
      case "withTimestamps":
      case "keyBy":
      case "window":
      case "dedupe":
        return ok(n.input);
      case "flatten":
        return n.inputs.every(ok);
      case "lookup":
        return n.take.every(([to]) => !fields.has(to)) && ok(n.input);
      default:
        return false;
    }
  };
  return ok(id);
};
