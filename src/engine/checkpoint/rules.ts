/**
 * Which plans can hand off from a batch run to a stream (docs/semantics.md
 * §17, "Conditions"). The batch run's final view includes the panes its end of
 * input fired; the continuing stream starts from the state before that flush
 * and replaces each such pane when it fires the window again. That holds
 * except where a flushed pane's output key can disappear from the stream:
 *
 * - a session window: a session the batch flushed may merge after the cut into
 *   one with other bounds (another output key), and the stream, whose state
 *   never emitted it, has nothing to retract;
 * - a stateful stage reading an aggregate's panes: in the batch it saw the
 *   flushed (provisional) panes, in the whole history it never does, so its
 *   own panes may have keys the whole-history run never has.
 *
 * @module
 */
import { DefinitionError } from "../../core/errors.ts";
import type { Plan, PlanNode } from "../../plan/ir.ts";
import { inputsOf } from "../../plan/ir.ts";

/** Ops whose state a checkpoint holds (lookup state is rebuilt from its table instead). */
export const CHECKPOINTED_OPS: ReadonlySet<string> = new Set(["withTimestamps", "dedupe", "sequence", "combine", "join"]);

const AGGREGATES = new Set(["combine", "join", "sequence"]);

/** One reason a plan cannot hand off, with the stage it is about. */
export interface HandoffProblem {
  readonly stage: string;
  readonly reason: string;
}

/** Every reason `plan` cannot hand off from a batch run to a stream (empty: it can). */
export const handoffProblems = (plan: Plan): HandoffProblem[] => {
  const byId = new Map<string, PlanNode>(plan.nodes.map((n) => [n.id, n]));
  const problems: HandoffProblem[] = [];
  const aggregateAbove = (id: string, seen = new Set<string>()): string | undefined => {
    for (const i of inputsOf(byId.get(id)!)) {
      const n = byId.get(i)!;
      if (n.op === "table" || seen.has(i)) continue;
      seen.add(i);
      if (AGGREGATES.has(n.op)) return n.id;
      const up = aggregateAbove(i, seen);
      if (up !== undefined) return up;
    }
    return undefined;
  };
  for (const n of plan.nodes) {
    if (n.op === "window" && n.window.kind === "session")
      problems.push({
        stage: n.id,
        reason:
          "a session window: a session the batch run flushed at the cut can merge after it into a session with other bounds, and the stream has no pane of it to retract",
      });
    if (CHECKPOINTED_OPS.has(n.op)) {
      const up = aggregateAbove(n.id);
      if (up !== undefined)
        problems.push({
          stage: n.id,
          reason: `keeps state over the panes of "${up}": in the batch run it saw the panes "${up}" fired at the cut, which the whole history never has`,
        });
    }
  }
  return problems;
};

/** Throws a DefinitionError naming the first stage that cannot hand off (see {@link handoffProblems}). */
export const assertHandoff = (plan: Plan): void => {
  const [p, ...more] = handoffProblems(plan);
  if (p === undefined) return;
  throw new DefinitionError(
    p.stage,
    `cannot hand off from a batch run to a stream: ${p.reason}${more.length > 0 ? ` (and ${more.length} more: ${more.map((m) => m.stage).join(", ")})` : ""}`,
    "run the whole history in one runner, or change the definition (docs/semantics.md §17, Conditions)",
  );
};
