/**
 * `explain`: the verb plan the arquero runner would execute for a
 * definition — per stage, whether it runs columnar, row at a time (and
 * why), or at the edge (input decoding, final view), and the arquero verbs.
 *
 * @module
 */
import { isPipeline } from "../../src/plan/graph.ts";
import type { Pipeline } from "../../src/plan/graph.ts";
import { parsePlan } from "../../src/plan/load.ts";
import type { Plan } from "../../src/plan/ir.ts";
import { validatePlan } from "../../src/plan/validate.ts";
import type { Registry } from "../../src/registry/registry.ts";
import { resolveDefinition } from "../../src/run/definition.ts";
import { planSteps } from "./planner.ts";
import type { StepMode } from "./step-mode.ts";

/** One stage of an explanation. */
export interface ExplainedStage {
  readonly stage: string;
  readonly op: string;
  readonly mode: StepMode;
  readonly verbs: readonly string[];
  /** Why part of the stage is not columnar (empty when it is). */
  readonly fallbacks: readonly string[];
  /** Where the result may differ from the DirectRunner's outside the parity guarantee. */
  readonly warnings: readonly string[];
}

/** The verb plan of a definition on the arquero runner. */
export interface Explanation {
  readonly runner: "arquero";
  readonly pipeline: string;
  readonly version: number;
  readonly stages: readonly ExplainedStage[];
}

/**
 * Explains `def` (a pipeline value, a plan, or its JSON). Executors are not
 * needed: a plan's executor references are described, not run.
 *
 * @throws DefinitionErrors when the definition is invalid
 */
export const explain = (def: Pipeline | Plan | string, opts: { registry?: Registry; params?: Readonly<Record<string, string>> } = {}): Explanation => {
  // A plan's executors are only named here: without a registry, parse it without checking them.
  const plan = isPipeline(def) || opts.registry ? resolveDefinition(def, opts.registry, opts.params).plan : parsePlan(def);
  const { hash: _hash, ...unhashed } = plan;
  const facts = validatePlan(unhashed);
  return {
    runner: "arquero",
    pipeline: plan.name,
    version: plan.version,
    stages: planSteps(plan, facts).map(({ stage, op, mode, verbs, fallbacks, warnings }) => ({ stage, op, mode, verbs, fallbacks, warnings: warnings ?? [] })),
  };
};

/** An explanation as text, one block per stage (for `lockstep explain --runner arquero`). */
export const formatExplanation = (e: Explanation): string => {
  const lines = [`pipeline "${e.pipeline}" v${e.version} on arquero: ${e.stages.length} stages`];
  for (const s of e.stages) {
    lines.push(`${s.stage} (${s.op}) — ${s.mode}`);
    for (const v of s.verbs) lines.push(`    ${v}`);
    for (const f of s.fallbacks) lines.push(`    not columnar: ${f}`);
    for (const w of s.warnings) lines.push(`    warning: ${w}`);
  }
  return lines.join("\n") + "\n";
};
