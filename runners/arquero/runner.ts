/**
 * The ArqueroBatchRunner: runs a definition as a columnar batch job on
 * arquero tables. Its final view, dead letters and late elements equal the
 * DirectRunner's (docs/semantics.md §14), including which late elements are
 * dropped: the lateness rule is reproduced with ordered window functions
 * over arrival order, not skipped as Beam's batch mode does.
 *
 * A run reads every table, then every source (decoding at the edge), then
 * executes the plan's steps in order, each a short chain of arquero verbs
 * (see `planner.ts`; `explain` prints them). Keyed stages compute their
 * final panes directly, since the final view is all parity is judged on.
 * Where a stage is not columnar it says so in a log line (see
 * docs/arquero-runner.md).
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import { DefinitionError } from "../../src/core/errors.ts";
import { boundDeadLetter } from "../../src/engine/dead-letter.ts";
import { newMetrics } from "../../src/engine/operator.ts";
import type { DeadLetter, LateElement, StageMetrics } from "../../src/engine/operator.ts";
import { serviceCallers } from "../../src/engine/services.ts";
import { registerArqueroFunctions } from "../../src/expr/arquero-functions.ts";
import type { Pipeline } from "../../src/plan/graph.ts";
import { inputsOf } from "../../src/plan/ir.ts";
import type { Plan, SourceNode, TableNode } from "../../src/plan/ir.ts";
import { validatePlan } from "../../src/plan/validate.ts";
import { resolveDefinition } from "../../src/run/definition.ts";
import type { RunResult } from "../../src/run/result.ts";
import type { RunOptions } from "../../src/run/options.ts";
import { registerAggregates } from "./aggregates.ts";
import { readInput } from "./inputs.ts";
import { registerKeyText } from "./key-text.ts";
import { planSteps } from "./planner.ts";
import { progressBar } from "./progress.ts";
import type { Runtime } from "./step.ts";
import { finalViewOf } from "./steps/sink.ts";

/** What an arquero run needs: every runner's options, plus where its messages go. */
export interface ArqueroRunOptions extends RunOptions {
  /** Where log lines (fallbacks to row-at-a-time steps) go; default: stderr. */
  readonly log?: (line: string) => void;
}

const defaultLog = (line: string): void => void process.stderr.write(`lockstep[arquero]: ${line}\n`);

/** `LOCKSTEP_ARQUERO_TIMING=1` logs each stage's time and row count (for tuning; see docs/arquero-runner.md). */
const timing = (): boolean => Boolean(process.env.LOCKSTEP_ARQUERO_TIMING);

/** Refuses inputs that do not match the plan's sources and tables, as the DirectRunner does. */
const checkInputs = (plan: Plan, inputs: Readonly<Record<string, unknown>>): void => {
  const names = plan.nodes.filter((n) => n.op === "table" || n.op === "source").map((n) => n.id);
  const missing = names.filter((n) => inputs[n] === undefined);
  if (missing.length > 0) {
    throw new DefinitionError(
      "inputs",
      `no input for ${missing.map((m) => `"${m}"`).join(", ")} of pipeline "${plan.name}"`,
      `give one per source and table, e.g. ${missing.map((m) => `--in ${m}=path.jsonl`).join(" ")}`,
    );
  }
  const extra = Object.keys(inputs).filter((n) => !names.includes(n));
  if (extra.length > 0) {
    throw new DefinitionError(
      "inputs",
      `pipeline "${plan.name}" has no source or table ${extra.map((m) => `"${m}"`).join(", ")}`,
      `use the names ${names.join(", ")}`,
    );
  }
};

/** Runs a definition to completion as a columnar batch job; the result has the DirectRunner's shape. */
export const runArquero = async (def: Pipeline | Plan | string, opts: ArqueroRunOptions): Promise<RunResult> => {
  const q0 = performance.now();
  registerArqueroFunctions();
  registerAggregates();
  registerKeyText();
  const { plan, registry } = resolveDefinition(def, opts.registry, opts.params);
  const { hash: _hash, ...unhashed } = plan;
  const facts = validatePlan(unhashed, registry);
  checkInputs(plan, opts.inputs);

  const deadLetters: DeadLetter[] = [];
  const late: LateElement[] = [];
  const metrics: Record<string, StageMetrics> = {};
  const metricsOf = (stage: string) => (metrics[stage] ??= newMetrics());
  const progress = progressBar(plan.nodes.length, opts.inputs, opts.progress);
  const log = (line: string): void => progress.around(() => (opts.log ?? defaultLog)(line));

  try {
    // Tables first, then sources, each in file order (see inputs.ts for arrival ranks).
    const inputs = new Map<string, ColumnTable>();
    const tables = plan.nodes.filter((n): n is TableNode => n.op === "table");
    const sources = plan.nodes.filter((n): n is SourceNode => n.op === "source");
    const readCtx = { deadLetter: (d: DeadLetter) => deadLetters.push(boundDeadLetter(d)), metrics: metricsOf, meter: (name: string) => progress.input(name) };
    const r0 = performance.now();
    if (timing()) log(`timing: plan ${Math.round(r0 - q0)} ms`);
    for (const t of tables) inputs.set(t.id, await readInput(t, opts.inputs[t.id]!, 0, 1, readCtx));
    for (const [i, s] of sources.entries()) inputs.set(s.id, await readInput(s, opts.inputs[s.id]!, i, sources.length, readCtx));
    if (timing()) log(`timing: read ${Math.round(performance.now() - r0)} ms`);

    const rt: Runtime = {
      registry,
      facts,
      byId: new Map(plan.nodes.map((n) => [n.id, n])),
      onExecutorError: opts.onExecutorError ?? "fail",
      services: serviceCallers(plan.services, registry.services),
      inputs,
      deadLetter: (d) => deadLetters.push(boundDeadLetter(d)),
      late: (l) => late.push(l),
      metrics: metricsOf,
      log,
    };

    // Keep each stage's table only until its last reader has run.
    const readers = new Map<string, number>();
    for (const n of plan.nodes) for (const i of inputsOf(n)) if (n.op !== "lookup" || i !== n.table) readers.set(i, (readers.get(i) ?? 0) + 1);
    const results = new Map<string, ColumnTable>();
    const outputs: Record<string, unknown[]> = {};
    for (const step of planSteps(plan, facts)) {
      progress.stage(step.stage);
      const node = rt.byId.get(step.stage)!;
      const ins = inputsOf(node).filter((i) => node.op !== "lookup" || i !== node.table);
      const t0 = performance.now();
      const table = await step.run(
        ins.map((i) => results.get(i)!),
        rt,
      );
      if (timing()) rt.log(`timing: ${step.stage} ${Math.round(performance.now() - t0)} ms, ${table.numRows()} rows`);
      for (const i of ins) {
        const left = readers.get(i)! - 1;
        readers.set(i, left);
        if (left === 0) results.delete(i);
      }
      if (node.op === "sink") {
        const f0 = performance.now();
        outputs[node.id] = finalViewOf(table);
        if (timing()) rt.log(`timing: ${step.stage} final view ${Math.round(performance.now() - f0)} ms`);
      } else results.set(node.id, table);
      // A source's decoded table now lives on in `results` only, and goes when its readers are done.
      if (node.op === "source") inputs.delete(node.id);
    }
    if (timing()) log(`timing: run ${Math.round(performance.now() - q0)} ms`);
    return { plan, outputs, deadLetters, late, metrics };
  } finally {
    progress.done();
  }
};

/** The ArqueroBatchRunner as an object, for code that picks a runner at launch. */
export class ArqueroRunner {
  readonly name = "arquero";
  constructor(private readonly defaults: Omit<ArqueroRunOptions, "inputs"> = {}) {}
  /** Runs `def` over `inputs`; see {@link runArquero}. */
  run(def: Pipeline | Plan | string, opts: ArqueroRunOptions): Promise<RunResult> {
    return runArquero(def, { ...this.defaults, ...opts });
  }
}
