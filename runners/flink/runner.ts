/**
 * The FlinkRunner (first slice): compiles a definition to Flink SQL
 * (`compile.ts`), refuses it with the stage and the reason when the slice
 * cannot run it exactly, else decodes the sources at the edge in Node
 * (`edge.ts`), submits the statements to a SQL Gateway in one batch-mode
 * session (`table.dml-sync=true`: the INSERT returns when the job has
 * finished), reads the output tables back and returns the DirectRunner's
 * result shape — final views sorted by the shared `FinalView`, dead letters
 * and late elements worded by the shared rules.
 *
 * Without a gateway URL it starts the project's local Flink
 * (`scripts/flink/gateway.ts`, as the Kafka runner starts its embedded
 * broker) and stops it afterwards. The gateway must read and write the
 * run's work directory (a temp dir here): the same host, or a shared file
 * system.
 *
 * @module
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DefinitionError } from "../../src/core/errors.ts";
import { newMetrics } from "../../src/engine/operator.ts";
import type { DeadLetter, LateElement, StageMetrics } from "../../src/engine/operator.ts";
import type { Pipeline } from "../../src/plan/graph.ts";
import type { Plan, SourceNode, TableNode } from "../../src/plan/ir.ts";
import { validatePlan } from "../../src/plan/validate.ts";
import { resolveDefinition } from "../../src/run/definition.ts";
import type { RunOptions } from "../../src/run/options.ts";
import type { RunResult } from "../../src/run/result.ts";
import { deadLettersOfRows, finalViewOfRows, lateOfRows, readTable } from "./collect.ts";
import type { FlinkProgram } from "./compile.ts";
import { compile } from "./compile.ts";
import { writeSourceFile } from "./edge.ts";
import type { JsBundle } from "./js-bundle.ts";
import { buildJsBundle } from "./js-bundle.ts";
import { BATCH_SESSION, connectGateway } from "./gateway/index.ts";
import type { Refusal } from "./step.ts";
import type { TopicInput } from "./topic-input.ts";

/** What a Flink run needs: every runner's options, plus where the SQL Gateway is. */
export interface FlinkRunOptions extends RunOptions {
  /** The SQL Gateway's REST URL; absent: start the local Flink for this run. */
  readonly gateway?: string;
  /** Where log lines go (default: stderr). */
  readonly log?: (line: string) => void;
  /**
   * The job's parallelism (`parallelism.default` of its session). Absent: the deployment's default
   * (the local Flink's is 1; it has 2 task slots). Flink's adaptive batch scheduler gives each
   * vertex at most this, fewer for small inputs. The output does not depend on it.
   */
  readonly parallelism?: number;
  /** How long the job may take (default 10 minutes). */
  readonly timeoutMs?: number;
  /**
   * The modules the definition's executors come from (the pipeline module, an `--executors`
   * module): bundled with esbuild for GraalJS when the job runs executors (`js-bundle.ts`).
   */
  readonly modules?: readonly string[];
  /**
   * Sources and tables Flink reads from Kafka topics itself, bounded (earliest offset to the end
   * offsets at the job's start, committed records only), instead of from `inputs`: by source id.
   * The edge rule runs in Flink (GraalJS); a dead letter names the record's partition and offset.
   */
  readonly topics?: Readonly<Record<string, TopicInput>>;
}

/** The error of a definition the slice refuses: the stage and the reason, exit 2 like any invalid definition. */
export const refusalError = (r: Refusal): DefinitionError =>
  new DefinitionError(
    r.stage,
    `the Flink runner cannot run this stage: ${r.reason}`,
    "run it on the direct, arquero or kafka runner (see `lockstep explain --runner flink`)",
  );

/** Compiles a resolved plan, throwing the refusal. */
export const compileOrRefuse = (
  plan: Plan,
  workDir: string,
  js?: JsBundle,
  topics?: Readonly<Record<string, TopicInput>>,
  executorErrors: "fail" | "deadLetter" = "fail",
): FlinkProgram => {
  const { hash: _hash, ...unhashed } = plan;
  const c = compile(plan, validatePlan(unhashed), { workDir, executorErrors, ...(js ? { js } : {}), ...(topics ? { topics } : {}) });
  if ("refused" in c) throw refusalError(c.refused);
  return c;
};

/** The executors the plan runs, refused where the slice cannot run them: services, dead-lettered failures, no module to bundle (for custom combiners too). */
const checkExecutors = (plan: Plan, opts: FlinkRunOptions): string[] => {
  const refs = new Set<string>();
  for (const n of plan.nodes) {
    if (n.op === "apply") refs.add(n.executor);
    if (n.op === "dispatch") for (const b of Object.values(n.branches)) if (b !== "keep" && b !== "drop") refs.add(b);
  }
  // Custom combiners run in GraalJS from the same bundle, so they need their module too.
  const combining = plan.nodes.find((n) => n.op === "combine" && n.aggs.some(([, a]) => a.fn === "custom"));
  if (combining !== undefined && (opts.modules ?? []).length === 0)
    throw refusalError({
      stage: combining.id,
      reason: "custom combiners run in GraalJS from a bundle of their module: run the pipeline module (or give --executors), not a value without its source",
    });
  const stage = plan.nodes.find((n) => n.op === "apply" || n.op === "dispatch")?.id ?? "";
  if (refs.size === 0) return [];
  for (const ref of refs) {
    const ex = opts.registry?.executors.get(ref);
    if (ex && ex.uses.length > 0)
      throw refusalError({ stage, reason: `executor ${ref} calls services (${ex.uses.join(", ")}): service calls are not in the Flink slice yet` });
  }
  if ((opts.modules ?? []).length === 0)
    throw refusalError({
      stage,
      reason: "executors run in GraalJS from a bundle of their module: run the pipeline module (or give --executors), not a value without its source",
    });
  return [...refs];
};

/** Runs `f` with a gateway URL, starting the local Flink (with `extraJars` on its classpath) when none is given. */
const withGateway = async <A>(
  given: string | undefined,
  log: (line: string) => void,
  extraJars: readonly string[],
  f: (url: string) => Promise<A>,
): Promise<A> => {
  if (given) return f(given);
  log("no --gateway: starting the local Flink (the first run downloads it with Maven)");
  const { startLocalGateway } = await import("../../scripts/flink/gateway.ts");
  const gw = await startLocalGateway(extraJars.length > 0 ? { extraJars: [...extraJars] } : {});
  try {
    return await f(gw.url);
  } finally {
    await gw.stop();
  }
};

/**
 * Runs `f` with a SQL Gateway URL: `given`, else the local Flink started for the whole of `f` with
 * the GraalJS runtime on its classpath (for tools that run many jobs, e.g. `lockstep parity`).
 */
export const withFlinkGateway = async <A>(given: string | undefined, log: (line: string) => void, f: (url: string) => Promise<A>): Promise<A> => {
  if (given) return f(given);
  const { buildJsUdfJars } = await import("../../scripts/flink/udfs.ts");
  return withGateway(undefined, log, (await buildJsUdfJars()).runtime, f);
};

/** The statements registering the exact-sum UDAFs (built once and cached by `scripts/flink/udfs.ts`). */
const udfStatements = async (): Promise<string[]> => {
  const { buildUdfJar, udfRegistrationSql } = await import("../../scripts/flink/udfs.ts");
  return udfRegistrationSql(await buildUdfJar());
};

/** Runs a definition to completion on Flink; the result has the DirectRunner's shape. */
export const runFlink = async (def: Pipeline | Plan | string, opts: FlinkRunOptions): Promise<RunResult> => {
  const { plan } = resolveDefinition(def, opts.registry, opts.params);
  const log = opts.log ?? ((line: string) => void process.stderr.write(`lockstep[flink]: ${line}\n`));
  const workDir = await mkdtemp(join(tmpdir(), "lockstep-flink-"));
  try {
    const names = plan.nodes.filter((n) => n.op === "source" || n.op === "table").map((n) => n.id);
    const topics = opts.topics ?? {};
    const unknown = Object.keys(topics).filter((id) => !names.includes(id));
    if (unknown.length > 0)
      throw new DefinitionError(
        "topics",
        `pipeline "${plan.name}" has no source or table ${unknown.map((m) => `"${m}"`).join(", ")}`,
        `use one of ${names.join(", ")}`,
      );
    const both = names.filter((n) => opts.inputs[n] !== undefined && Object.hasOwn(topics, n));
    if (both.length > 0) throw new DefinitionError("inputs", `${both.map((m) => `"${m}"`).join(", ")} given both a topic and an input`, "give each source one");
    const missing = names.filter((n) => opts.inputs[n] === undefined && !Object.hasOwn(topics, n));
    if (missing.length > 0)
      throw new DefinitionError("inputs", `no input for ${missing.map((m) => `"${m}"`).join(", ")} of pipeline "${plan.name}"`, "give one per source");
    // Refused before anything is read or submitted.
    const executorErrors = opts.onExecutorError === "deadLetter" ? "deadLetter" : "fail";
    let program = compileOrRefuse(plan, workDir, undefined, topics, executorErrors);
    checkExecutors(plan, opts);
    let js: string[] = [];
    let runtime: readonly string[] = [];
    if (program.js) {
      // The bundle's pin is part of the SQL: compiled again once it is built. The topics' edge runs in it.
      const edges = Object.fromEntries(plan.nodes.filter((n) => Object.hasOwn(topics, n.id)).map((n) => [n.id, n as SourceNode | TableNode]));
      const bundle = await buildJsBundle(join(workDir, "js"), opts.modules ?? [], plan.params ?? {}, edges);
      program = compileOrRefuse(plan, workDir, bundle, topics, executorErrors);
      const { buildJsUdfJars, jsUdfRegistrationSql } = await import("../../scripts/flink/udfs.ts");
      const jars = await buildJsUdfJars();
      js = jsUdfRegistrationSql(jars.jar);
      runtime = jars.runtime;
    }
    const deadLetters: DeadLetter[] = [];
    const late: LateElement[] = [];
    const metrics: Record<string, StageMetrics> = {};
    const metricsOf = (stage: string) => (metrics[stage] ??= newMetrics());
    const byId = new Map(plan.nodes.map((n) => [n.id, n]));
    for (const s of program.sources) {
      await writeSourceFile(byId.get(s.id) as SourceNode | TableNode, s, opts.inputs[s.id]!, { deadLetter: (d) => deadLetters.push(d), metrics: metricsOf });
    }
    const udfs = program.udfs ? await udfStatements() : [];
    await withGateway(opts.gateway, log, runtime, async (url) => {
      const parallelism: Record<string, string> = opts.parallelism === undefined ? {} : { "parallelism.default": String(opts.parallelism) };
      const session = await connectGateway(url).openSession({ ...BATCH_SESSION, ...parallelism });
      try {
        for (const sql of [...udfs, ...js, ...program.statements]) await session.execute(sql, { timeoutMs: opts.timeoutMs ?? 600_000 });
      } finally {
        await session.close();
      }
    });
    const outputs: Record<string, unknown[]> = {};
    const topicIds = new Set(Object.keys(topics));
    for (const o of program.outputs) {
      const rows = await readTable(o.path);
      if (o.kind === "sink") outputs[o.stage] = finalViewOfRows(o, rows);
      else if (o.kind === "edgeCount") metricsOf(o.stage).in += rows.reduce((n, r) => n + Number(r.n), 0);
      else if (o.kind === "deadLetters") {
        deadLetters.push(...deadLettersOfRows(o, rows, topicIds));
        metricsOf(o.stage).deadLetters += rows.length;
      } else {
        late.push(...lateOfRows(o, rows, topicIds));
        metricsOf(o.stage).late += rows.length;
      }
    }
    // A topic source's accepted records: those read less those its edge refused.
    for (const id of topicIds) metricsOf(id).out = metricsOf(id).in - metricsOf(id).deadLetters;
    return { plan, outputs, deadLetters, late, metrics };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
};

/** The FlinkRunner as an object, for code that picks a runner at launch. */
export class FlinkRunner {
  readonly name = "flink";
  constructor(private readonly defaults: Omit<FlinkRunOptions, "inputs"> = {}) {}
  /** Runs `def` over `inputs`; see {@link runFlink}. */
  run(def: Pipeline | Plan | string, opts: FlinkRunOptions): Promise<RunResult> {
    return runFlink(def, { ...this.defaults, ...opts });
  }
}
