/**
 * `explain --runner flink`: the Flink SQL a definition compiles to, per
 * stage, or the refusal (stage and reason) — decided before anything is
 * submitted, by the same compiler the runner uses.
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
import type { CompiledStage } from "./compile.ts";
import { compile } from "./compile.ts";
import type { TopicInput } from "./topic-input.ts";
import type { Refusal } from "./step.ts";

/** What `explain` says of a definition on Flink. */
export interface FlinkExplanation {
  readonly runner: "flink";
  readonly pipeline: string;
  readonly version: number;
  /** The SQL per stage (empty when refused). */
  readonly stages: readonly CompiledStage[];
  /** Every statement the runner would submit, in order (empty when refused). */
  readonly statements: readonly string[];
  /** True when the job needs lockstep's Java UDF jar registered first. */
  readonly udfs: boolean;
  /** True when the job calls `ls_js` (GraalJS) on the run's pinned bundle of lockstep's functions and the definition's executors. */
  readonly js: boolean;
  /** Set when the definition cannot run on Flink. */
  readonly refused?: Refusal;
}

/**
 * Explains `def` (a pipeline value, a plan, or its JSON) on Flink.
 *
 * @throws DefinitionErrors when the definition is invalid
 */
export const explainFlink = (
  def: Pipeline | Plan | string,
  opts: { registry?: Registry; params?: Readonly<Record<string, string>>; topics?: Readonly<Record<string, TopicInput>> } = {},
): FlinkExplanation => {
  const plan = isPipeline(def) || opts.registry ? resolveDefinition(def, opts.registry, opts.params).plan : parsePlan(def);
  const { hash: _hash, ...unhashed } = plan;
  const c = compile(plan, validatePlan(unhashed), opts.topics ? { topics: opts.topics } : {});
  const head = { runner: "flink" as const, pipeline: plan.name, version: plan.version };
  if ("refused" in c) return { ...head, stages: [], statements: [], udfs: false, js: false, refused: c.refused };
  return { ...head, stages: c.stages, statements: c.statements, udfs: c.udfs, js: c.js };
};

/** An explanation as text (for `lockstep explain --runner flink`). */
export const formatFlinkExplanation = (e: FlinkExplanation): string => {
  if (e.refused) return `pipeline "${e.pipeline}" v${e.version} cannot run on flink: stage ${e.refused.stage}: ${e.refused.reason}\n`;
  const lines = [`pipeline "${e.pipeline}" v${e.version} on flink: ${e.stages.length} stages, ${e.statements.length} statements`];
  if (e.udfs)
    lines.push(
      "-- first: ADD JAR <lockstep UDF jar>; CREATE TEMPORARY FUNCTION ls_fsum / ls_fmean (exactly rounded sum and mean), ls_u16 (UTF-16 string order), ls_ranked_array (arrays in rank order)",
    );
  if (e.js)
    lines.push(
      "-- first: ADD JAR <lockstep GraalJS jar>; CREATE TEMPORARY FUNCTION ls_js; the run bundles lockstep's functions and the definition's executors with esbuild into <work dir>/functions.js, pinned below by its SHA-256",
    );
  for (const s of e.stages) {
    lines.push(`-- ${s.stage} (${s.op})`);
    for (const q of s.sql) lines.push(`${q};`);
  }
  const last = e.statements[e.statements.length - 1];
  if (last?.startsWith("EXECUTE STATEMENT SET")) lines.push("-- the job: every INSERT above, as one", `${last};`);
  return lines.join("\n") + "\n";
};
