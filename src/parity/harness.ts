/**
 * The parity harness: run one definition on several runners for many
 * generated histories, compare what docs/semantics.md §14 promises is equal
 * (the final view of every sink, dead letters and late elements as sets), and
 * on a difference let fast-check shrink to the smallest history (and, for
 * generated pipelines, the smallest pipeline) before reporting it readably,
 * with the seed and path that replay it.
 *
 * ```ts
 * const report = await checkParity(pipeline, { runners: ["direct", "arquero"], runs: 100 });
 * if (!report.ok) console.log(report.text);
 * ```
 *
 * @module
 */
import fc from "fast-check";
import { canonicalJson } from "../core/canonical.ts";
import type { OnExecutorError } from "../engine/operator.ts";
import type { Pipeline } from "../plan/graph.ts";
import type { Plan } from "../plan/ir.ts";
import type { Registry } from "../registry/registry.ts";
import { resolveDefinition } from "../run/definition.ts";
import type { Outcome, RunnerDiff } from "./compare.ts";
import { compareOutcomes, isSame } from "./compare.ts";
import type { History, HistoryOptions } from "./histories.ts";
import { historyArb, historySize } from "./histories.ts";
import type { HistoryModel } from "./model.ts";
import { historyModelOf, outputKeysOf } from "./model.ts";
import type { Recipe } from "./pipelines.ts";
import { buildPipeline, inputsOfRecipe, recipeArb, recipeHistoryModel } from "./pipelines.ts";
import { renderDiff, renderHistory, renderPlan } from "./report.ts";
import type { ParityRunner, RunContext } from "./runners.ts";
import { runnerOf } from "./runners.ts";
import { LockstepError } from "../core/errors.ts";

/** Options of {@link checkParity} and {@link checkRecipeParity}. */
export interface ParityOptions {
  /** Runners to compare, by name or as objects; the first is the reference (default: direct, direct-reordered). */
  readonly runners?: readonly (string | ParityRunner)[];
  /** Histories to try (default 100). */
  readonly runs?: number;
  /** fast-check seed (default: random; always reported). */
  readonly seed?: number;
  /** With `seed`, replays one reported counterexample (the report's `path`). */
  readonly path?: string;
  /** Histories to use instead of the ones derived from the pipeline's schemas. */
  readonly history?: fc.Arbitrary<History>;
  /** Tuning of the derived histories. */
  readonly histories?: HistoryOptions;
  /** Kafka bootstrap servers (default `KAFKA_BROKERS`). */
  readonly brokers?: string | readonly string[];
  /** Kafka: partitions (default: each history's), instances, guarantee, timeout. */
  readonly kafka?: RunContext["kafka"];
  /** Flink: the SQL Gateway (default `FLINK_GATEWAY`) and the pipeline's modules, for executors. */
  readonly flink?: RunContext["flink"];
  /** Executors, combiners and services besides those the pipeline references. */
  readonly registry?: Registry;
  /** Launch parameters (pipeline values only). */
  readonly params?: Readonly<Record<string, string>>;
  readonly onExecutorError?: OnExecutorError;
  /** At most this many runs while shrinking (default 2000; 30 when a slow runner such as Kafka takes part). */
  readonly shrinkRuns?: number;
  /** Stop shrinking after this long (ms; default: no limit, 120 000 when a slow runner takes part). */
  readonly shrinkTimeLimitMs?: number;
  /** Stop trying new histories after this long (ms); what ran is reported. */
  readonly timeLimitMs?: number;
  /** Progress lines (one per 50 runs, and when shrinking starts). */
  readonly log?: (line: string) => void;
  /** How the pipeline is named in the replay hint: its path and CLI options (then the hint also shows the `lockstep parity` command). */
  readonly name?: string;
}

/** The outcome of a parity check. */
export interface ParityReport {
  readonly ok: boolean;
  /** Runner names, reference first. */
  readonly runners: readonly string[];
  /** Histories tried (before shrinking). */
  readonly runs: number;
  /** Successful shrink steps. */
  readonly shrinks: number;
  readonly seed: number;
  /** With `seed`, replays the counterexample (`checkParity(p, { seed, path })`). */
  readonly path?: string;
  /** The smallest failing history. */
  readonly counterexample?: History;
  /** The smallest failing pipeline (generated pipelines only). */
  readonly recipe?: Recipe;
  /** The plan the counterexample ran (the pipeline's, or the generated one's). */
  readonly plan?: Plan;
  /** What differs, per runner other than the reference. */
  readonly diffs: readonly RunnerDiff[];
  /** What the tried histories exercised, on the reference runner (shrinking runs not counted). */
  readonly stats: ParityStats;
  /** Everything above, readable. */
  readonly text: string;
  readonly ms: number;
}

/** Totals over the histories tried, as the reference runner saw them. */
export interface ParityStats {
  /** Input records. */
  records: number;
  /** Final-view rows, over all sinks. */
  rows: number;
  late: number;
  deadLetters: number;
  /** Histories on which the reference run failed (on every runner alike, else it is a difference). */
  failedRuns: number;
  /** Distinct messages of those failures (the first 5). */
  failures: string[];
}

/** Thrown by {@link assertParity}: its message is the readable report. */
export class ParityError extends LockstepError {
  override readonly name = "ParityError";
  readonly code = "LOCKSTEP_PARITY";
  constructor(readonly report: ParityReport) {
    super(report.text);
  }
}

/** A bad harness call (unknown or unavailable runner, too few runners). */
export class ParityUsageError extends LockstepError {
  override readonly name = "ParityUsageError";
  readonly code = "LOCKSTEP_PARITY_USAGE";
}

/** One case: a plan with its registry and a history. */
interface Case {
  readonly plan: Plan;
  readonly registry: Registry;
  readonly history: History;
  readonly recipe?: Recipe;
}

const brokersList = (b: ParityOptions["brokers"]): string[] | undefined =>
  b === undefined
    ? undefined
    : typeof b === "string"
      ? b
          .split(",")
          .map((x) => x.trim())
          .filter(Boolean)
      : [...b];

/** Resolves and checks the runners: names known, unique, available, at least two. */
export const resolveRunners = async (opts: Pick<ParityOptions, "runners" | "brokers" | "flink">): Promise<ParityRunner[]> => {
  let runners: ParityRunner[];
  try {
    runners = (opts.runners ?? ["direct", "direct-reordered"]).map(runnerOf);
  } catch (e) {
    throw new ParityUsageError((e as Error).message);
  }
  if (runners.length < 2)
    throw new ParityUsageError(
      `parity needs at least two runners, got ${runners.map((r) => r.name).join(", ") || "none"}. Fix: e.g. runners: ["direct", "arquero"]`,
    );
  const names = runners.map((r) => r.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new ParityUsageError(`the runner "${dup}" is listed twice. Fix: list each runner once`);
  const brokers = brokersList(opts.brokers);
  for (const r of runners) {
    const why = await r.unavailable?.({ ...(brokers ? { brokers } : {}), ...(opts.flink ? { flink: opts.flink } : {}) });
    if (why) throw new ParityUsageError(`runner "${r.name}" is not available: ${why}`);
  }
  return runners;
};

/** Runs one case on every runner (one after the other) and compares each with the first. */
export const runCase = async (runners: readonly ParityRunner[], c: Case, opts: ParityOptions = {}): Promise<{ outcomes: Outcome[]; diffs: RunnerDiff[] }> => {
  const brokers = brokersList(opts.brokers);
  const ctx: RunContext = {
    plan: c.plan,
    registry: c.registry,
    ...(opts.onExecutorError ? { onExecutorError: opts.onExecutorError } : {}),
    ...(brokers ? { brokers } : {}),
    ...(opts.kafka ? { kafka: opts.kafka } : {}),
    ...(opts.flink ? { flink: opts.flink } : {}),
  };
  const outcomes: Outcome[] = [];
  for (const r of runners) {
    const t0 = performance.now();
    try {
      const result = await r.run(c.history, ctx);
      outcomes.push({ ok: true, result, ms: performance.now() - t0 });
    } catch (e) {
      outcomes.push({ ok: false, error: (e as Error)?.message ?? String(e), ms: performance.now() - t0 });
    }
  }
  const keys = outputKeysOf(c.plan);
  const diffs = runners
    .slice(1)
    .map((r, i) => compareOutcomes(keys, { name: runners[0]!.name, outcome: outcomes[0]! }, { name: r.name, outcome: outcomes[i + 1]! }));
  return { outcomes, diffs };
};

const randomSeed = (): number => (Date.now() ^ Math.floor(Math.random() * 0x7fffffff)) | 0;

/** The property loop shared by both entry points. */
const check = async <C>(
  arb: fc.Arbitrary<C>,
  toCase: (c: C) => Case,
  runners: ParityRunner[],
  opts: ParityOptions,
  replayHint: (seed: number, path: string) => string,
): Promise<ParityReport> => {
  const t0 = performance.now();
  if (opts.path !== undefined && opts.seed === undefined)
    throw new ParityUsageError("a path replays a counterexample of one seed. Fix: pass the seed the report printed too");
  const seed = opts.seed ?? randomSeed();
  const shrinkRuns = opts.shrinkRuns ?? (runners.some((r) => r.slow) ? 30 : 2000);
  const failures = new Map<string, { c: Case; diffs: RunnerDiff[] }>();
  const shrinkTime = opts.shrinkTimeLimitMs ?? (runners.some((r) => r.slow) ? 120_000 : Infinity);
  let failed = false;
  let failedAt = 0;
  let shrinkEvals = 0;
  let runs = 0;
  const stats: ParityStats = { records: 0, rows: 0, late: 0, deadLetters: 0, failedRuns: 0, failures: [] };
  const property = fc.asyncProperty(arb, async (value) => {
    // Shrinking budget spent: every further candidate "passes", so the smallest failure so far is reported.
    if (failed && (++shrinkEvals > shrinkRuns || performance.now() - failedAt > shrinkTime)) return true;
    if (!failed && ++runs % 50 === 0) opts.log?.(`parity: ${runs} runs`);
    const c = toCase(value);
    const { outcomes, diffs } = await runCase(runners, c, opts);
    if (!failed) {
      const ref = outcomes[0]!;
      stats.records += historySize(c.history);
      if (ref.ok) {
        stats.rows += Object.values(ref.result.outputs).reduce((n, r) => n + r.length, 0);
        stats.late += ref.result.late.length;
        stats.deadLetters += ref.result.deadLetters.length;
      } else {
        stats.failedRuns++;
        if (stats.failures.length < 5 && !stats.failures.includes(ref.error)) stats.failures.push(ref.error);
      }
    }
    const bad = diffs.filter((d) => !isSame(d));
    if (bad.length === 0) return true;
    if (!failed) {
      opts.log?.(`parity: difference found after ${runs} runs; shrinking`);
      failedAt = performance.now();
    }
    failed = true;
    failures.set(canonicalJson(value), { c, diffs: bad });
    return false;
  });
  const details = await fc.check(property, {
    numRuns: opts.runs ?? 100,
    seed,
    ...(opts.path !== undefined ? { path: opts.path, endOnFailure: true } : {}),
    ...(opts.timeLimitMs !== undefined ? { interruptAfterTimeLimit: opts.timeLimitMs } : {}),
  });
  const runnerNames = runners.map((r) => r.name);
  const ms = performance.now() - t0;
  if (!details.failed) {
    const text =
      `parity: ${runnerNames.join(" = ")} on ${details.numRuns} histories (seed ${seed}, ${(ms / 1000).toFixed(1)} s)${details.interrupted ? " — stopped at the time limit" : ""}; ` +
      `${stats.records} records, ${stats.rows} output rows, ${stats.late} late, ${stats.deadLetters} dead letters${stats.failedRuns ? `, ${stats.failedRuns} runs failed on every runner` : ""}`;
    return { ok: true, runners: runnerNames, runs: details.numRuns, shrinks: 0, seed, diffs: [], stats, text, ms };
  }
  const value = details.counterexample?.[0] as C | undefined;
  const found = value !== undefined ? failures.get(canonicalJson(value)) : undefined;
  if (!found) {
    // The property itself threw: a harness bug, not a runner difference.
    const err = details.errorInstance as Error | undefined;
    throw err ?? new Error(`parity check failed without a recorded difference (seed ${seed}, path ${details.counterexamplePath})`);
  }
  const path = details.counterexamplePath ?? undefined;
  const size = historySize(found.c.history);
  const lines = [
    `parity FAILED: ${found.diffs.map((d) => `${d.reference} ≠ ${d.runner}`).join(", ")} — seed ${seed}, path ${path}; smallest input: ${size} record${size === 1 ? "" : "s"} after ${details.numShrinks} shrinks (${details.numRuns} histories tried, ${(ms / 1000).toFixed(1)} s)`,
    "",
    ...found.diffs.map(renderDiff),
    "",
    renderHistory(found.c.history, found.c.plan),
    "",
    `pipeline "${found.c.plan.name}":`,
    renderPlan(found.c.plan),
    ...(found.c.recipe ? ["", `recipe: ${JSON.stringify(found.c.recipe)}`] : []),
    "",
    `replay: ${replayHint(seed, path ?? "")}`,
  ];
  return {
    ok: false,
    runners: runnerNames,
    runs: details.numRuns,
    shrinks: details.numShrinks,
    seed,
    ...(path ? { path } : {}),
    counterexample: found.c.history,
    ...(found.c.recipe ? { recipe: found.c.recipe } : {}),
    plan: found.c.plan,
    diffs: found.diffs,
    stats,
    text: lines.join("\n"),
    ms,
  };
};

const runnersText = (runners: readonly ParityRunner[]) => JSON.stringify(runners.map((r) => r.name));

/**
 * Checks that `def` gives the same final views, dead letters and late
 * elements on every runner for `runs` generated histories (derived from its
 * source schemas unless `history` is given). Never throws for a difference:
 * read `report.ok` and `report.text`. Throws {@link ParityUsageError} for an
 * unknown or unavailable runner.
 */
export const checkParity = async (def: Pipeline | Plan | string, opts: ParityOptions = {}): Promise<ParityReport> => {
  const runners = await resolveRunners(opts);
  const { plan, registry } = resolveDefinition(def, opts.registry, opts.params);
  const arb = opts.history ?? historyArb(historyModelOf(plan), opts.histories);
  const name = opts.name ? `pipeline /* ${opts.name} */` : "pipeline";
  return check(
    arb,
    (history) => ({ plan, registry, history }),
    runners,
    opts,
    (seed, path) =>
      `checkParity(${name}, { runners: ${runnersText(runners)}, /* the same options, and */ seed: ${seed}, path: ${JSON.stringify(path)} })` +
      (opts.name ? `\n        lockstep parity ${opts.name} --runners ${runners.map((r) => r.name).join(",")} --seed ${seed} --path ${path}` : ""),
  );
};

/** {@link checkParity}, throwing a {@link ParityError} (its message is the report) on a difference. */
export const assertParity = async (def: Pipeline | Plan | string, opts: ParityOptions = {}): Promise<ParityReport> => {
  const report = await checkParity(def, opts);
  if (!report.ok) throw new ParityError(report);
  return report;
};

/** Options of {@link checkRecipeParity}: generated pipelines × histories. */
export interface RecipeParityOptions extends Omit<ParityOptions, "history" | "params" | "name"> {
  /** Pipelines to try (default: every recipe shape). */
  readonly recipes?: fc.Arbitrary<Recipe>;
}

/**
 * Parity over generated pipelines (random valid compositions of every
 * transform, `src/parity/pipelines.ts`) × generated histories: on a
 * difference both the pipeline and the history shrink.
 */
export const checkRecipeParity = async (opts: RecipeParityOptions = {}): Promise<ParityReport> => {
  const runners = await resolveRunners(opts);
  const model: HistoryModel = recipeHistoryModel;
  const arb = fc.tuple(opts.recipes ?? recipeArb, historyArb(model, opts.histories));
  const toCase = ([recipe, h]: [Recipe, History]): Case => {
    const { plan, registry } = resolveDefinition(buildPipeline(recipe), opts.registry);
    const used = inputsOfRecipe(recipe);
    const names = new Set([...used.sources, ...used.tables]);
    const history: History = { ...h, inputs: Object.fromEntries(Object.entries(h.inputs).filter(([k]) => names.has(k))) };
    return { plan, registry, history, recipe };
  };
  return check(
    arb,
    toCase,
    runners,
    opts,
    (seed, path) => `checkRecipeParity({ runners: ${runnersText(runners)}, /* the same options, and */ seed: ${seed}, path: ${JSON.stringify(path)} })`,
  );
};
