/**
 * Checks of how the stages are wired, once all are read: every stage is used,
 * sinks end the pipeline, tables are read only by lookups.
 *
 * @module
 */
import type { PlanNode, UnhashedPlan } from "../ir.ts";
import { inputsOf } from "../ir.ts";

/** Reports a problem at a stage, or at a JSON path given as text. */
export type Report = (at: PlanNode | string, problem: string, fix: string) => void;

/** Reports unused stages, sinks that are read, tables read by non-lookups, and a plan without a sink. */
export const checkWiring = (plan: UnhashedPlan, used: ReadonlySet<string>, report: Report): void => {
  for (const n of plan.nodes) {
    if (n.op === "sink" && used.has(n.id)) report(n, "a sink cannot be read by another stage", "read the stage before the sink instead");
    if (n.op !== "sink" && !used.has(n.id)) report(n, "its output is not used by any stage", "send it to a sink or remove it");
    if (n.op === "table" && [...plan.nodes].some((m) => inputsOf(m).includes(n.id) && !(m.op === "lookup" && m.table === n.id))) {
      report(n, "a table can only be read by lookup", "use source(...) for a stream of events");
    }
  }
  if (!plan.nodes.some((n) => n.op === "sink")) report("nodes", "the plan has no sink", 'end the pipeline with sink("name")');
};
