/**
 * The planner: one {@link Step} per plan node, in plan (topological) order.
 * The same steps run a plan and describe it for `explain`, so what
 * `explain` says is what runs.
 *
 * @module
 */
import type { Plan, PlanNode, TableNode, WindowNode } from "../../src/plan/ir.ts";
import type { StreamFacts } from "../../src/plan/validate.ts";
import type { Step } from "./step.ts";
import { combineStep } from "./steps/combine.ts";
import { dedupeStep } from "./steps/dedupe.ts";
import { applyStep, dispatchStep } from "./steps/executors.ts";
import { filterStep } from "./steps/filter.ts";
import { flatMapStep } from "./steps/flat-map.ts";
import { flattenStep } from "./steps/flatten.ts";
import { joinStep } from "./steps/join.ts";
import { keyByStep } from "./steps/key-by.ts";
import { lookupStep } from "./steps/lookup.ts";
import { mapStep } from "./steps/map.ts";
import { windowStep } from "./steps/pass.ts";
import { sequenceStep } from "./steps/sequence.ts";
import { sinkStep } from "./steps/sink.ts";
import { sourceStep } from "./steps/source.ts";
import { withTimestampsStep } from "./steps/with-timestamps.ts";

const windowOf = (facts: ReadonlyMap<string, StreamFacts>, input: string): WindowNode | null => facts.get(input)?.window ?? null;

/** The step of node `n` at plan position `position`. */
const stepOf = (n: PlanNode, position: number, byId: ReadonlyMap<string, PlanNode>, facts: ReadonlyMap<string, StreamFacts>): Step => {
  switch (n.op) {
    case "source":
    case "table":
      return sourceStep(n);
    case "map":
      return mapStep(n);
    case "filter":
      return filterStep(n);
    case "flatMap":
      return flatMapStep(n);
    case "withTimestamps":
      return withTimestampsStep(n);
    case "keyBy":
      return keyByStep(n);
    case "window":
      return windowStep(n);
    case "dispatch":
      return dispatchStep(n);
    case "apply":
      return applyStep(n);
    case "dedupe":
      return dedupeStep(n, facts.get(n.input)?.multiPane === true);
    case "lookup":
      return lookupStep(n, byId.get(n.table) as TableNode);
    case "combine":
      return combineStep(n, windowOf(facts, n.input), position);
    case "join":
      return joinStep(n, windowOf(facts, n.left)!, windowOf(facts, n.right)!, position);
    case "sequence":
      return sequenceStep(n, position);
    case "flatten":
      return flattenStep(n);
    case "sink":
      return sinkStep(n);
  }
};

/** The steps of a validated plan (`facts` from `validatePlan`). */
export const planSteps = (plan: Plan, facts: ReadonlyMap<string, StreamFacts>): Step[] => {
  const byId = new Map(plan.nodes.map((n) => [n.id, n]));
  return plan.nodes.map((n, i) => stepOf(n, i, byId, facts));
};
