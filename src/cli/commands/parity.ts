/**
 * `lockstep parity <pipeline> --runners direct,arquero,kafka --runs N --seed S`:
 * runs the pipeline on every runner for N histories generated from its own
 * source schemas and compares the final views, dead letters and late
 * elements. Exit 0 on parity; 1 with the shrunk counterexample printed (and,
 * with `--out-dir`, written as input files for `lockstep run`); 2 on usage
 * errors.
 *
 * @module
 */
import type { ParityReport } from "../../parity/harness.ts";
import { collectPairs, CommandExit, wholeNumber } from "../options.ts";
import type { RegisterCommand } from "./command.ts";
import { UsageError } from "../usage-error.ts";

/** The runners a fresh process knows (the harness's registry; more can be registered from code). */
const BUILT_IN_RUNNERS = "direct, direct-reordered, direct-lmdb, arquero, kafka, kafka-lmdb, flink";

const seedOf = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || Math.abs(n) > 2 ** 31) throw new UsageError(`--seed ${v}: expected a 32-bit whole number. Fix: use the seed a report printed`);
  return n;
};

/** Writes a counterexample's inputs as JSONL files, one per source and table. */
const writeCounterexample = async (dir: string, report: ParityReport): Promise<string[]> => {
  const { mkdir, writeFile } = await import("node:fs/promises");
  const { join } = await import("node:path");
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const [name, rows] of Object.entries(report.counterexample?.inputs ?? {})) {
    const path = join(dir, `${name}.jsonl`);
    await writeFile(path, rows.map((r) => JSON.stringify(r) + "\n").join(""));
    written.push(path);
  }
  await writeFile(join(dir, "report.txt"), report.text + "\n");
  return written;
};

/** Adds `parity` to the command tree. */
export const registerParity: RegisterCommand = (cmd, io) => {
  cmd
    .command("parity")
    .description("compare a pipeline's results on several runners over generated histories, and shrink any difference")
    .argument("<pipeline>", "a .ts/.js module whose default export is a pipeline, or a compiled .json")
    .option("--runners <list>", `runners to compare, the first is the reference (known: ${BUILT_IN_RUNNERS})`, "direct,arquero")
    .option("--runs <n>", "histories to try", wholeNumber("--runs", 1), 100)
    .option("--seed <n>", "fast-check seed (default random; printed either way)", seedOf)
    .option("--path <path>", "with --seed: replay the counterexample a report printed")
    .option("--param <key=value>", "a pipeline parameter (repeatable)", collectPairs("--param", "window=fixed:10s"))
    .option("--executors <module>", "a module exporting the executors a compiled .json needs")
    .option("--max-records <n>", "at most this many records per source in a history", wholeNumber("--max-records", 0), 24)
    .option("--shrink-runs <n>", "at most this many runs while shrinking (default 2000, 60 with kafka)", wholeNumber("--shrink-runs", 0))
    .option("--time-limit <seconds>", "stop trying new histories after this long", wholeNumber("--time-limit", 1))
    .option("--out-dir <dir>", "on a difference, write the counterexample's inputs (JSONL) and the report here")
    .option("--json", "print the report as JSON")
    .option("-q, --quiet", "no progress on stderr")
    .option("--brokers <list>", "kafka: bootstrap servers (default: KAFKA_BROKERS, else an embedded broker)")
    .option("--partitions <n>", "kafka: partitions of the run's topics (default: each history's, 1–4)", wholeNumber("--partitions", 1))
    .option("--instances <n>", "kafka: runner instances", wholeNumber("--instances", 1), 1)
    .option("--gateway <url>", "flink: the SQL Gateway (default: FLINK_GATEWAY, else the local Flink, started for the run)")
    .action(async (pipeline: string, o) => {
      const { checkParity, ParityUsageError } = await import("../../parity/harness.ts");
      const { runnerNames } = await import("../../parity/runners.ts");
      const { loadDefinition } = await import("../load-definition.ts");
      const { planOf } = await import("../definition.ts");
      const { withBrokers } = await import("../../../runners/kafka/brokers.ts");
      const runners = String(o.runners)
        .split(",")
        .map((r) => r.trim())
        .filter(Boolean);
      const unknown = runners.filter((r) => !runnerNames().includes(r));
      if (unknown.length > 0)
        throw new UsageError(`--runners: unknown runner "${unknown[0]}". Fix: use some of ${runnerNames().join(", ")}, e.g. --runners direct,arquero`);
      if (runners.length < 2) throw new UsageError(`--runners ${o.runners}: parity needs at least two runners. Fix: e.g. --runners direct,arquero`);
      if (o.path !== undefined && o.seed === undefined)
        throw new UsageError("--path replays a counterexample of one seed. Fix: give the --seed the report printed too");
      const def = await loadDefinition(pipeline);
      const { plan, registry } = await planOf(def, o.param ?? {}, o.executors);
      // Flink bundles the executors from the pipeline module (and --executors) for GraalJS.
      const modules = [pipeline, ...(o.executors ? [o.executors] : [])].filter((m) => /\.[cm]?[jt]s$/.test(m));
      let gateway: string | undefined = o.gateway ?? process.env.FLINK_GATEWAY;
      const go = async (brokers?: string[]): Promise<ParityReport> => {
        try {
          return await checkParity(plan, {
            runners,
            runs: o.runs,
            registry,
            // The replay command repeats what shapes the histories and the plan.
            name: [
              pipeline,
              ...Object.entries(o.param ?? {}).map(([k, v]) => `--param ${k}=${v}`),
              ...(o.maxRecords !== 24 ? [`--max-records ${o.maxRecords}`] : []),
              ...(o.executors ? [`--executors ${o.executors}`] : []),
              ...(o.partitions !== undefined ? [`--partitions ${o.partitions}`] : []),
            ].join(" "),
            histories: { maxRecords: o.maxRecords },
            ...(o.seed !== undefined ? { seed: o.seed } : {}),
            ...(o.path !== undefined ? { path: String(o.path) } : {}),
            ...(o.shrinkRuns !== undefined ? { shrinkRuns: o.shrinkRuns } : runners.includes("kafka") || runners.includes("flink") ? { shrinkRuns: 60 } : {}),
            ...(o.timeLimit !== undefined ? { timeLimitMs: o.timeLimit * 1000 } : {}),
            ...(brokers ? { brokers } : {}),
            kafka: { instances: o.instances, ...(o.partitions !== undefined ? { partitions: o.partitions } : {}) },
            flink: { ...(gateway ? { gateway } : {}), modules },
            ...(o.quiet ? {} : { log: (l: string) => io.err(`lockstep: ${l}\n`) }),
          });
        } catch (e) {
          if (e instanceof ParityUsageError) throw new UsageError(`${e.message}${/Fix:/.test(e.message) ? "" : ". Fix: pick runners that are available here"}`);
          throw e;
        }
      };
      const withKafka = () => (runners.includes("kafka") ? withBrokers(o.brokers, io.err, Boolean(o.quiet), go) : go());
      const report = runners.includes("flink")
        ? await (await import("../../../runners/flink/runner.ts")).withFlinkGateway(
            gateway,
            (l) => (o.quiet ? undefined : io.err(`lockstep[flink]: ${l}\n`)),
            (url) => {
              gateway = url;
              return withKafka();
            },
          )
        : await withKafka();
      if (o.json) {
        const { text: _t, ...rest } = report;
        io.out(JSON.stringify(rest, null, 2) + "\n");
      } else io.out(report.text + "\n");
      if (!report.ok) {
        if (o.outDir) {
          const files = await writeCounterexample(o.outDir, report);
          const ins = files.map((f) => `--in ${f.replace(/^.*\/([^/]+)\.jsonl$/, "$1")}=${f}`).join(" ");
          io.out(`\ncounterexample written to ${o.outDir}; run it with: lockstep run ${pipeline} ${ins} --runner <runner> --out <sink>=-\n`);
        }
        throw new CommandExit(1);
      }
    });
};
