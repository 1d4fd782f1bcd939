/**
 * `lockstep run` on the DirectRunner: reads the inputs, runs, writes each
 * requested sink's final view, dead letters and late elements, and prints a
 * summary that accounts for every input record. A source that sent every
 * record to the dead letters gets a warning line, and with
 * `--max-dead-letter-rate` a run past that rate fails (exit 1) without
 * writing its sinks (the rule: `src/run/dead-letters.ts`).
 *
 * @module
 */
import { topicInputOf } from "../../runners/flink/topic-input.ts";
import { access, constants } from "node:fs/promises";
import { DefinitionError, RunError } from "../core/errors.ts";
import { formatOf } from "../io/format.ts";
import { writeRecords } from "../io/write.ts";
import { firstInSideOutputOrder, sideOutputOrder } from "../run/side-outputs.ts";
import type { OnExecutorError } from "../engine/operator.ts";
import type { StateChoice } from "../run/options.ts";
import type { Plan } from "../plan/ir.ts";
import type { Registry } from "../registry/registry.ts";
import type { RunResult } from "../run/result.ts";
import type { DirectRunViews } from "../../runners/direct/runner.ts";
import { allRejectedWarnings, deadLettersBySource, overRate, overRateMessage } from "../run/dead-letters.ts";
import { UsageError } from "./usage-error.ts";
import type { CliRegistryArg } from "./worker-registry.ts";

/** Options of the Kafka runner on the command line. */
export interface KafkaCliOptions {
  readonly brokers?: string;
  readonly partitions: number;
  readonly instances: number;
  readonly guarantee: "exactly-once" | "at-least-once";
  readonly keepTopics: boolean;
  /** The Kafka client library (default: LOCKSTEP_KAFKA_CLIENT, else kafkajs). */
  readonly client?: "kafkajs" | "platformatic";
}

/** What `run` was asked to do. */
export interface RunCommandOptions {
  readonly runner?: "direct" | "kafka" | "arquero" | "flink";
  readonly kafka?: KafkaCliOptions;
  /** The Flink runner's SQL Gateway URL (else FLINK_GATEWAY, else a local Flink). */
  readonly gateway?: string;
  /** Flink: the job's parallelism (default: the deployment's `parallelism.default`; the local Flink's is 1). */
  readonly parallelism?: number;
  /** Flink: the modules the executors come from (the pipeline module, `--executors`), bundled for GraalJS. */
  readonly modules?: readonly string[];
  readonly inputs: Record<string, string>;
  readonly outputs: Record<string, string>;
  readonly deadLetters?: string;
  readonly late?: string;
  readonly onExecutorError: OnExecutorError;
  /** Fail the run when a source sends more than this fraction (0–1) of its records to the dead letters. */
  readonly maxDeadLetterRate?: number;
  readonly quiet: boolean;
  readonly err: (s: string) => void;
  /** Also write each keyed sink's final view to this view store directory (src/cli/store-output.ts). */
  readonly store?: string;
  /** Direct: write the handoff checkpoint here (src/cli/checkpoint-file.ts). */
  readonly checkpointOut?: string;
  /** Kafka: start from this checkpoint file. */
  readonly fromCheckpoint?: string;
  /** DirectRunner and Kafka: where operator state lives (default memory). */
  readonly state?: StateChoice;
  /** Direct: worker threads (default 1). */
  readonly workers?: number;
  /** Direct with workers: what the worker threads load the registry from (src/cli/worker-registry.ts). */
  readonly definition?: CliRegistryArg;
}

/** Refuses a path whose extension names no record format, as a usage error. */
const checkFormat = (flag: string, path: string): void => {
  try {
    formatOf(path);
  } catch (e) {
    if (!(e instanceof DefinitionError)) throw e;
    throw new UsageError(
      `${flag}${path}: cannot tell the record format from the file name. Fix: end it in .jsonl, .csv, .arrow or .parquet (or use - for stdin/stdout, JSONL)`,
    );
  }
};

/**
 * Checks the command line against the plan before anything runs, so a typo
 * costs nothing: every source and table has an existing input, every
 * `--out` names a sink, every path has a known format, and stdin and stdout
 * are each used at most once.
 */
export const checkRunOptions = async (plan: Plan, o: Pick<RunCommandOptions, "inputs" | "outputs" | "deadLetters" | "late" | "runner">): Promise<void> => {
  const sinks = plan.nodes.filter((n) => n.op === "sink").map((n) => n.id);
  const readers = plan.nodes.filter((n) => n.op === "source" || n.op === "table").map((n) => n.id);
  const unknown = Object.keys(o.outputs).filter((s) => !sinks.includes(s));
  if (unknown.length > 0)
    throw new UsageError(`--out ${unknown[0]}=…: pipeline "${plan.name}" has no sink "${unknown[0]}". Fix: use one of ${sinks.join(", ")}`);
  const extra = Object.keys(o.inputs).filter((s) => !readers.includes(s));
  if (extra.length > 0)
    throw new UsageError(`--in ${extra[0]}=…: pipeline "${plan.name}" has no source or table "${extra[0]}". Fix: use one of ${readers.join(", ")}`);
  const missing = readers.filter((s) => o.inputs[s] === undefined);
  if (missing.length > 0) {
    throw new UsageError(
      `pipeline "${plan.name}" needs an input for ${missing.map((m) => `"${m}"`).join(", ")}. Fix: add ${missing.map((m) => `--in ${m}=path.jsonl`).join(" ")}`,
    );
  }
  if (Object.values(o.inputs).filter((p) => p === "-").length > 1)
    throw new UsageError("more than one --in reads stdin (-). Fix: read at most one input from stdin, the others from files");
  const writes: [string, string][] = [
    ...Object.entries(o.outputs).map(([s, p]): [string, string] => [`--out ${s}=`, p]),
    ...(o.deadLetters ? [["--dead-letters ", o.deadLetters] as [string, string]] : []),
    ...(o.late ? [["--late ", o.late] as [string, string]] : []),
  ];
  if (writes.filter(([, p]) => p === "-").length > 1) {
    throw new UsageError(
      `${writes
        .filter(([, p]) => p === "-")
        .map(([f]) => `${f}-`)
        .join(" and ")} would mix on stdout. Fix: write at most one of them to stdout (-), the others to files`,
    );
  }
  for (const [s, p] of Object.entries(o.inputs)) {
    if (!p.startsWith(TOPIC_SCHEME)) continue;
    if ((o.runner ?? "direct") !== "flink")
      throw new UsageError(
        `--in ${s}=${p}: only --runner flink reads a Kafka topic as a bounded input. Fix: add --runner flink, or copy the topic to a file (e.g. kcat -C -e -t TOPIC > ${s}.jsonl); the kafka runner reads topics with --follow`,
      );
    if (topicInputOf(p) === undefined) throw new UsageError(`--in ${s}=${p}: not a topic input. Fix: write it kafka://HOST:PORT[,HOST:PORT…]/TOPIC`);
  }
  const files = Object.entries(o.inputs).filter(([, p]) => !p.startsWith(TOPIC_SCHEME));
  for (const [s, p] of files) checkFormat(`--in ${s}=`, p);
  for (const [f, p] of writes) checkFormat(f, p);
  for (const [s, p] of files) {
    if (p === "-") continue;
    try {
      await access(p, constants.R_OK);
    } catch (e) {
      throw new UsageError(
        `--in ${s}=${p}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}). Fix: check the path (relative paths start from ${process.cwd()})`,
      );
    }
  }
};

/** How `--in name=…` names a Kafka topic the Flink runner reads bounded (runners/flink/topic-input.ts). */
const TOPIC_SCHEME = "kafka://";

/** A sink's rows as `run` writes them: counted, and read in order (streamed out of LMDB after `--state lmdb`). */
interface SinkRows {
  readonly size: number;
  rows(): Iterable<unknown>;
}

/** A finished run as `run` writes it: the result without its rows, each sink's rows, and what frees them. */
interface FinishedRun {
  readonly result: Omit<RunResult, "outputs">;
  readonly views: Readonly<Record<string, SinkRows>>;
  /** Threads the engine ran on (the DirectRunner with --workers; else 1). */
  readonly threads: number;
  close(): Promise<void>;
}

/** Either runner result as a {@link FinishedRun}: the DirectRunner's views stay unread until written. */
const finished = (r: RunResult | DirectRunViews): FinishedRun =>
  "views" in r
    ? { result: r, views: r.views, threads: r.threads, close: () => r.close() }
    : {
        result: r,
        views: Object.fromEntries(Object.entries(r.outputs).map(([s, rows]) => [s, { size: rows.length, rows: () => rows }])),
        threads: 1,
        close: async () => {},
      };

/** Runs the plan on the chosen runner, loading only that runner's modules. */
const runOn = async (runner: string, plan: Plan, registry: Registry, o: RunCommandOptions): Promise<RunResult | DirectRunViews> => {
  if (runner === "kafka") {
    const { withBrokers } = await import("../../runners/kafka/brokers.ts");
    const { runKafka } = await import("../../runners/kafka/bounded.ts");
    const fromCheckpoint = o.fromCheckpoint ? await (await import("./checkpoint-file.ts")).readCheckpointFile(o.fromCheckpoint) : undefined;
    return withBrokers(o.kafka?.brokers, o.err, o.quiet, (brokers) =>
      runKafka(plan, {
        ...(fromCheckpoint ? { fromCheckpoint } : {}),
        inputs: o.inputs,
        registry,
        onExecutorError: o.onExecutorError,
        brokers,
        partitions: o.kafka?.partitions ?? 3,
        instances: o.kafka?.instances ?? 1,
        guarantee: o.kafka?.guarantee ?? "exactly-once",
        keepTopics: o.kafka?.keepTopics ?? false,
        ...(o.kafka?.client ? { client: o.kafka.client } : {}),
        progress: !o.quiet,
        ...(o.state ? { state: o.state } : {}),
      }),
    );
  }
  if (runner === "arquero") {
    const { runArquero } = await import("../../runners/arquero/runner.ts");
    return runArquero(plan, {
      inputs: o.inputs,
      registry,
      onExecutorError: o.onExecutorError,
      log: (l) => (o.quiet ? undefined : o.err(`lockstep[arquero]: ${l}\n`)),
      progress: !o.quiet,
    });
  }
  if (runner === "flink") {
    const { runFlink } = await import("../../runners/flink/runner.ts");
    const isTopic = ([, p]: [string, string]) => p.startsWith(TOPIC_SCHEME);
    return runFlink(plan, {
      inputs: Object.fromEntries(Object.entries(o.inputs).filter((e) => !isTopic(e))),
      topics: Object.fromEntries(
        Object.entries(o.inputs)
          .filter(isTopic)
          .map(([s, p]) => [s, topicInputOf(p)!]),
      ),
      registry,
      onExecutorError: o.onExecutorError,
      gateway: o.gateway ?? process.env.FLINK_GATEWAY,
      modules: o.modules ?? [],
      ...(o.parallelism === undefined ? {} : { parallelism: o.parallelism }),
      log: (l) => (o.quiet ? undefined : o.err(`lockstep[flink]: ${l}\n`)),
    });
  }
  const { runDirectViews } = await import("../../runners/direct/runner.ts");
  const workers = o.workers ?? 1;
  const workerRegistry = workers > 1 && o.definition ? { module: (await import("./worker-registry.ts")).WORKER_REGISTRY_MODULE, arg: o.definition } : undefined;
  const checkpointOut = o.checkpointOut;
  const { writeCheckpointFile } = checkpointOut ? await import("./checkpoint-file.ts") : { writeCheckpointFile: undefined };
  return runDirectViews(plan, {
    inputs: o.inputs,
    registry,
    onExecutorError: o.onExecutorError,
    progress: !o.quiet,
    ...(o.state ? { state: o.state } : {}),
    ...(checkpointOut ? { onCheckpoint: (cp) => writeCheckpointFile!(checkpointOut, cp) } : {}),
    ...(workers > 1 ? { workers, log: (l: string) => (o.quiet ? undefined : o.err(`lockstep: --${l}\n`)) } : {}),
    ...(workerRegistry ? { workerRegistry } : {}),
  });
};

/** Runs a plan on a runner with file inputs and outputs, and reports what it read, accepted and wrote. */
export const runCommand = async (plan: Plan, registry: Registry, o: RunCommandOptions): Promise<void> => {
  await checkRunOptions(plan, o);
  const store = o.store === undefined ? undefined : await (await import("./store-output.ts")).openRunStore(plan, o.store);
  const started = performance.now();
  const runner = o.runner ?? "direct";
  const run = finished(
    await runOn(runner, plan, registry, o).catch(async (e: unknown) => {
      await store?.store.close();
      throw e;
    }),
  );
  const { result, views } = run;
  const bySource = deadLettersBySource(plan, result);
  const over = o.maxDeadLetterRate === undefined ? [] : overRate(bySource, o.maxDeadLetterRate);
  // The views are read while the run's state is still open (with --state lmdb they are in it).
  try {
    // Past the rate the outputs are not trusted: nothing is written but what explains the failure.
    if (over.length === 0) for (const [sink, path] of Object.entries(o.outputs)) await writeRecords(path, views[sink]!.rows());
    if (o.deadLetters) await writeRecords(o.deadLetters, sideOutputOrder(result.deadLetters));
    if (o.late) await writeRecords(o.late, sideOutputOrder(result.late));
    const stored = store && over.length === 0 ? await (await import("./store-output.ts")).writeRunStore(store, views) : [];
    if (store && over.length > 0) await store.store.close();
    if (!o.quiet) o.err(summaryOf(plan, runner, performance.now() - started, run, o, over.length > 0) + stored.map((l) => l + "\n").join(""));
  } finally {
    await run.close();
  }
  if (o.checkpointOut && !o.quiet) o.err(`  checkpoint ${o.checkpointOut}: the engine state at the end of the input, before its last windows fired\n`);
  // Loud even with --quiet: a source whose every record was rejected is almost always a mistake.
  for (const w of allRejectedWarnings(bySource)) o.err(w + "\n");
  if (over.length > 0) throw new RunError(overRateMessage(over, o.maxDeadLetterRate!), over[0]!.source, { deadLetterRate: over[0]!.rate });
};

/** The summary lines of a finished run. */
const summaryOf = (plan: Plan, runner: string, ms: number, { result, views, threads }: FinishedRun, o: RunCommandOptions, failed: boolean): string => {
  const sinks = plan.nodes.filter((n) => n.op === "sink").map((n) => n.id);
  const on = threads > 1 ? `${runner} (${threads} threads)` : runner;
  const lines: string[] = [`lockstep: ran "${plan.name}" v${plan.version} on ${on} in ${ms.toFixed(0)} ms`];
  for (const n of plan.nodes) {
    if (n.op !== "source" && n.op !== "table") continue;
    const m = result.metrics[n.id];
    lines.push(`  ${n.op} ${n.id}: ${m?.in ?? 0} read = ${m?.out ?? 0} accepted + ${m?.deadLetters ?? 0} dead letters`);
  }
  const where = (s: string) =>
    failed
      ? " (not written: too many dead letters)"
      : o.outputs[s]
        ? ` → ${o.outputs[s] === "-" ? "stdout" : o.outputs[s]}`
        : " (not written: add --out " + s + "=path)";
  for (const s of sinks) lines.push(`  sink ${s}: ${views[s]!.size} rows${where(s)}`);
  const stageDead = result.deadLetters.filter((d) => d.stage !== d.source).length;
  if (stageDead > 0) lines.push(`  ${stageDead} elements rejected by stages (see --dead-letters)`);
  if (result.late.length > 0) lines.push(`  ${result.late.length} late (element, window) pairs dropped${o.late ? ` → ${o.late}` : " (see --late)"}`);
  // The first in the written order, not in arrival order: the Kafka runner's tasks report theirs in any order.
  const first = o.deadLetters ? undefined : firstInSideOutputOrder(result.deadLetters);
  if (first) lines.push(`  first dead letter: ${first.source}:${first.offset}: ${first.reason} (write them all with --dead-letters)`);
  return lines.join("\n") + "\n";
};
