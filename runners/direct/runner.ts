/**
 * The DirectRunner: runs any definition in memory over finite inputs. It is
 * the reference semantics every other runner is compared with.
 *
 * Arrival order: every table is read to its end first (so point-in-time
 * lookups see all versions), then the sources are read in plan order, one
 * record from each in turn (round robin) — each source in its file order.
 * At the end of input every open window fires.
 *
 * @module
 */
import { DefinitionError } from "../../src/core/errors.ts";
import type { Registry } from "../../src/registry/registry.ts";
import { createRegistry, mergeRegistries } from "../../src/registry/registry.ts";
import { buildTopology, FinalView, MemoryStateBackend, newMetrics } from "../../src/engine/index.ts";
import type { DeadLetter, LateElement, OnExecutorError, RawRecord, StageMetrics } from "../../src/engine/index.ts";
import type { Pipeline } from "../../src/plan/graph.ts";
import { isPipeline } from "../../src/plan/graph.ts";
import { compile, registryOf } from "../../src/plan/compile.ts";
import type { Plan } from "../../src/plan/ir.ts";
import { parsePlan } from "../../src/plan/load.ts";
import { readRecords } from "../../src/io/read.ts";
import type { SchemaJson } from "../../src/schema/json-schema.ts";

/** An input: a file path, in-memory values, or records. */
export type InputSource = string | readonly unknown[] | AsyncIterable<RawRecord> | Iterable<RawRecord>;

/** What a run needs besides the definition. */
export interface DirectRunOptions {
  /** One input per source and table, by name. */
  readonly inputs: Readonly<Record<string, InputSource>>;
  /** Executors, combiners and service clients (added to those a pipeline value references). */
  readonly registry?: Registry;
  /** Launch parameters (pipeline values only). */
  readonly params?: Readonly<Record<string, string>>;
  /** An executor that throws fails the run (default) or sends the element to the dead letters. */
  readonly onExecutorError?: OnExecutorError;
}

/** The outcome of a run. */
export interface RunResult {
  readonly plan: Plan;
  /** The final view of each sink, sorted by output key. */
  readonly outputs: Readonly<Record<string, unknown[]>>;
  /** Every record that could not be used, with the reason. */
  readonly deadLetters: readonly DeadLetter[];
  /** Every element dropped as late, with the clocks that decided it. */
  readonly late: readonly LateElement[];
  /** Counters per stage (sources: in = read, out = accepted). */
  readonly metrics: Readonly<Record<string, StageMetrics>>;
}

/** Resolves a pipeline value or plan (JSON or object) into a plan and registry. */
export const resolveDefinition = (
  def: Pipeline | Plan | string,
  registry: Registry | undefined,
  params: Readonly<Record<string, string>> = {},
): { plan: Plan; registry: Registry } => {
  if (isPipeline(def)) {
    const own = registryOf(def, params);
    const reg = registry ? mergeRegistries(own, registry) : own;
    return { plan: compile(def, params), registry: reg };
  }
  const reg = registry ?? createRegistry();
  const plan = parsePlan(def, reg);
  for (const [k, v] of Object.entries(params)) {
    if (plan.params[k] !== v) {
      throw new DefinitionError(`params.${k}`, `this compiled definition was built with ${k}=${plan.params[k] ?? "(none)"}`, "recompile the pipeline with the parameters you want");
    }
  }
  return { plan, registry: reg };
};

const isAsyncIterable = (x: unknown): x is AsyncIterable<RawRecord> => typeof (x as AsyncIterable<unknown>)?.[Symbol.asyncIterator] === "function";

/** The records of an input, whatever its form. */
export const recordsOf = (src: InputSource, schema?: SchemaJson): AsyncIterable<RawRecord> | Iterable<RawRecord> => {
  // The schema lets CSV readers turn text cells into numbers and booleans before decoding.
  if (typeof src === "string") return readRecords(src, schema ? { schema } : {});
  if (Array.isArray(src)) return (src as unknown[]).map((value, i) => ({ offset: i + 1, value }));
  return src as AsyncIterable<RawRecord> | Iterable<RawRecord>;
};

const iteratorOf = (src: InputSource, schema: SchemaJson): AsyncIterator<RawRecord> | Iterator<RawRecord> => {
  const r = recordsOf(src, schema);
  return isAsyncIterable(r) ? r[Symbol.asyncIterator]() : (r as Iterable<RawRecord>)[Symbol.iterator]();
};

/** Runs a definition to completion in memory. */
export const runDirect = async (def: Pipeline | Plan | string, opts: DirectRunOptions): Promise<RunResult> => {
  const { plan, registry } = resolveDefinition(def, opts.registry, opts.params);
  const deadLetters: DeadLetter[] = [];
  const late: LateElement[] = [];
  const metrics: Record<string, StageMetrics> = {};
  const views = new Map<string, FinalView>();
  for (const n of plan.nodes) if (n.op === "sink") views.set(n.id, new FinalView());
  const topo = buildTopology(
    plan,
    {
      registry,
      state: new MemoryStateBackend(),
      onExecutorError: opts.onExecutorError ?? "fail",
      deadLetter: (d) => deadLetters.push(d),
      late: (l) => late.push(l),
      metrics: (stage) => (metrics[stage] ??= newMetrics()),
    },
    (sink, e) => views.get(sink)!.add(e),
  );

  const names = [...topo.tables, ...topo.sources].map((n) => n.id);
  const missing = names.filter((n) => opts.inputs[n] === undefined);
  if (missing.length > 0) {
    throw new DefinitionError(
      "inputs",
      `no input for ${missing.map((m) => `"${m}"`).join(", ")} of pipeline "${plan.name}"`,
      `give one per source and table, e.g. ${missing.map((m) => `--in ${m}=path.jsonl`).join(" ")}`,
    );
  }
  const extra = Object.keys(opts.inputs).filter((n) => !names.includes(n));
  if (extra.length > 0) {
    throw new DefinitionError("inputs", `pipeline "${plan.name}" has no source or table ${extra.map((m) => `"${m}"`).join(", ")}`, `use the names ${names.join(", ")}`);
  }

  // Tables first, each to its end.
  for (const t of topo.tables) {
    const it = iteratorOf(opts.inputs[t.id]!, t.schema);
    for (let r = await it.next(); !r.done; r = await it.next()) {
      const p = topo.push(t.id, r.value);
      if (p) await p;
    }
  }
  // Then sources, round robin, each in its own order.
  let live = topo.sources.map((s) => ({ id: s.id, it: iteratorOf(opts.inputs[s.id]!, s.schema) }));
  while (live.length > 0) {
    const next: typeof live = [];
    for (const s of live) {
      const r = await s.it.next();
      if (r.done) continue;
      const p = topo.push(s.id, r.value);
      if (p) await p;
      next.push(s);
    }
    live = next;
  }
  await topo.finish();

  const outputs: Record<string, unknown[]> = {};
  for (const [name, view] of views) outputs[name] = view.rows();
  return { plan, outputs, deadLetters, late, metrics };
};

/** The DirectRunner as an object, for code that picks a runner at launch. */
export class DirectRunner {
  readonly name = "direct";
  constructor(private readonly defaults: Omit<DirectRunOptions, "inputs"> = {}) {}
  /** Runs `def` over `inputs`; see {@link runDirect}. */
  run(def: Pipeline | Plan | string, opts: DirectRunOptions): Promise<RunResult> {
    return runDirect(def, { ...this.defaults, ...opts });
  }
}
