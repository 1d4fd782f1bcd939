/**
 * `lockstep run` on the DirectRunner: reads the inputs, runs, writes each
 * requested sink's final view, dead letters and late elements, and prints a
 * summary that accounts for every input record.
 *
 * @module
 */
import { access, constants } from "node:fs/promises";
import { DefinitionError } from "../core/errors.ts";
import { formatOf } from "../io/format.ts";
import { writeRecords } from "../io/write.ts";
import type { OnExecutorError } from "../engine/operator.ts";
import type { Plan } from "../plan/ir.ts";
import type { Registry } from "../registry/registry.ts";
import { runArquero } from "../../runners/arquero/runner.ts";
import { runDirect } from "../../runners/direct/runner.ts";
import { runKafka } from "../../runners/kafka/bounded.ts";
import { withBrokers } from "./brokers.ts";
import { UsageError } from "./usage-error.ts";

/** Options of the Kafka runner on the command line. */
export interface KafkaCliOptions {
  readonly brokers?: string;
  readonly partitions: number;
  readonly instances: number;
  readonly guarantee: "exactly-once" | "at-least-once";
  readonly keepTopics: boolean;
}

/** What `run` was asked to do. */
export interface RunCommandOptions {
  readonly runner?: "direct" | "kafka" | "arquero";
  readonly kafka?: KafkaCliOptions;
  readonly inputs: Record<string, string>;
  readonly outputs: Record<string, string>;
  readonly deadLetters?: string;
  readonly late?: string;
  readonly onExecutorError: OnExecutorError;
  readonly quiet: boolean;
  readonly err: (s: string) => void;
}

/** Refuses a path whose extension names no record format, as a usage error. */
const checkFormat = (flag: string, path: string): void => {
  try {
    formatOf(path);
  } catch (e) {
    if (!(e instanceof DefinitionError)) throw e;
    throw new UsageError(`${flag}${path}: cannot tell the record format from the file name. Fix: end it in .jsonl, .csv, .arrow or .parquet (or use - for stdin/stdout, JSONL)`);
  }
};

/**
 * Checks the command line against the plan before anything runs, so a typo
 * costs nothing: every source and table has an existing input, every
 * `--out` names a sink, every path has a known format, and stdin and stdout
 * are each used at most once.
 */
export const checkRunOptions = async (plan: Plan, o: Pick<RunCommandOptions, "inputs" | "outputs" | "deadLetters" | "late">): Promise<void> => {
  const sinks = plan.nodes.filter((n) => n.op === "sink").map((n) => n.id);
  const readers = plan.nodes.filter((n) => n.op === "source" || n.op === "table").map((n) => n.id);
  const unknown = Object.keys(o.outputs).filter((s) => !sinks.includes(s));
  if (unknown.length > 0) throw new UsageError(`--out ${unknown[0]}=…: pipeline "${plan.name}" has no sink "${unknown[0]}". Fix: use one of ${sinks.join(", ")}`);
  const extra = Object.keys(o.inputs).filter((s) => !readers.includes(s));
  if (extra.length > 0) throw new UsageError(`--in ${extra[0]}=…: pipeline "${plan.name}" has no source or table "${extra[0]}". Fix: use one of ${readers.join(", ")}`);
  const missing = readers.filter((s) => o.inputs[s] === undefined);
  if (missing.length > 0) {
    throw new UsageError(`pipeline "${plan.name}" needs an input for ${missing.map((m) => `"${m}"`).join(", ")}. Fix: add ${missing.map((m) => `--in ${m}=path.jsonl`).join(" ")}`);
  }
  if (Object.values(o.inputs).filter((p) => p === "-").length > 1) throw new UsageError("more than one --in reads stdin (-). Fix: read at most one input from stdin, the others from files");
  const writes: [string, string][] = [
    ...Object.entries(o.outputs).map(([s, p]): [string, string] => [`--out ${s}=`, p]),
    ...(o.deadLetters ? [["--dead-letters ", o.deadLetters] as [string, string]] : []),
    ...(o.late ? [["--late ", o.late] as [string, string]] : []),
  ];
  if (writes.filter(([, p]) => p === "-").length > 1) {
    throw new UsageError(`${writes.filter(([, p]) => p === "-").map(([f]) => `${f}-`).join(" and ")} would mix on stdout. Fix: write at most one of them to stdout (-), the others to files`);
  }
  for (const [s, p] of Object.entries(o.inputs)) checkFormat(`--in ${s}=`, p);
  for (const [f, p] of writes) checkFormat(f, p);
  for (const [s, p] of Object.entries(o.inputs)) {
    if (p === "-") continue;
    try {
      await access(p, constants.R_OK);
    } catch (e) {
      throw new UsageError(`--in ${s}=${p}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}). Fix: check the path (relative paths start from ${process.cwd()})`);
    }
  }
};

/** Runs a plan on the DirectRunner with file inputs and outputs. */
export const runCommand = async (plan: Plan, registry: Registry, o: RunCommandOptions): Promise<void> => {
  await checkRunOptions(plan, o);
  const sinks = plan.nodes.filter((n) => n.op === "sink").map((n) => n.id);
  const started = performance.now();
  const runner = o.runner ?? "direct";
  const result =
    runner === "kafka"
      ? await withBrokers(o.kafka?.brokers, o.err, o.quiet, (brokers) =>
          runKafka(plan, {
            inputs: o.inputs,
            registry,
            onExecutorError: o.onExecutorError,
            brokers,
            partitions: o.kafka?.partitions ?? 3,
            instances: o.kafka?.instances ?? 1,
            guarantee: o.kafka?.guarantee ?? "exactly-once",
            keepTopics: o.kafka?.keepTopics ?? false,
            progress: !o.quiet,
          }),
        )
      : runner === "arquero"
        ? await runArquero(plan, { inputs: o.inputs, registry, onExecutorError: o.onExecutorError, log: (l) => (o.quiet ? undefined : o.err(`lockstep[arquero]: ${l}\n`)), progress: !o.quiet })
        : await runDirect(plan, { inputs: o.inputs, registry, onExecutorError: o.onExecutorError, progress: !o.quiet });
  for (const [sink, path] of Object.entries(o.outputs)) await writeRecords(path, result.outputs[sink]!);
  if (o.deadLetters) await writeRecords(o.deadLetters, result.deadLetters);
  if (o.late) await writeRecords(o.late, result.late);
  if (o.quiet) return;
  const ms = performance.now() - started;
  const lines: string[] = [`lockstep: ran "${plan.name}" v${plan.version} on ${runner} in ${ms.toFixed(0)} ms`];
  for (const n of plan.nodes) {
    if (n.op !== "source" && n.op !== "table") continue;
    const m = result.metrics[n.id];
    lines.push(`  ${n.op} ${n.id}: ${m?.in ?? 0} read = ${m?.out ?? 0} accepted + ${m?.deadLetters ?? 0} dead letters`);
  }
  for (const s of sinks) lines.push(`  sink ${s}: ${result.outputs[s]!.length} rows${o.outputs[s] ? ` → ${o.outputs[s] === "-" ? "stdout" : o.outputs[s]}` : " (not written: add --out " + s + "=path)"}`);
  const stageDead = result.deadLetters.filter((d) => d.stage !== d.source).length;
  if (stageDead > 0) lines.push(`  ${stageDead} elements rejected by stages (see --dead-letters)`);
  if (result.late.length > 0) lines.push(`  ${result.late.length} late (element, window) pairs dropped${o.late ? ` → ${o.late}` : " (see --late)"}`);
  if (result.deadLetters.length > 0 && !o.deadLetters) {
    lines.push(`  first dead letter: ${result.deadLetters[0]!.source}:${result.deadLetters[0]!.offset}: ${result.deadLetters[0]!.reason} (write them all with --dead-letters)`);
  }
  o.err(lines.join("\n") + "\n");
};
