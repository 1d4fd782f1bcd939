/**
 * `lockstep run <pipeline>`: runs a pipeline over input files (or, with
 * `--runner kafka --follow`, over topics until stopped) and writes the final
 * view of each sink.
 *
 * @module
 */
import { existsSync, readdirSync } from "node:fs";
import { Option } from "commander";
import { collectPairs, paramOption, parseDeadLetterRate, wholeNumber } from "../options.ts";
import type { StateChoice } from "../../run/options.ts";
import { UsageError } from "../usage-error.ts";
import type { RegisterCommand } from "./command.ts";

/** Adds `run` to the command tree. */
export const registerRun: RegisterCommand = (cmd, io) => {
  cmd
    .command("run")
    .description("run a pipeline over input files and write the final view of each sink")
    .argument("<pipeline>", "a .ts/.js module whose default export is a pipeline, or a compiled .json")
    .addOption(new Option("--runner <name>", "where to run it").choices(["direct", "kafka", "arquero", "flink"]).default("direct"))
    .option(
      "--in <name=path>",
      "the input of a source or table, once per source and table (JSONL by default; .csv, .arrow, .parquet by extension; - for stdin; kafka://HOST:PORT/TOPIC: a topic the flink runner reads bounded)",
      collectPairs("--in", "events=events.jsonl"),
    )
    .option(
      "--out <sink=path>",
      "where to write a sink's final view, once per sink wanted (format by extension; - for stdout)",
      collectPairs("--out", "counts=out/counts.jsonl"),
    )
    .option("--param <key=value>", "a pipeline parameter (repeatable)", paramOption())
    .option("--executors <module>", "a module exporting the executors a compiled .json needs")
    .option("--dead-letters <path>", "write dead letters (JSONL) here")
    .option("--late <path>", "write elements dropped as late (JSONL) here")
    .addOption(new Option("--on-executor-error <mode>", "when an executor throws").choices(["fail", "dead-letter"]).default("fail"))
    .option(
      "--max-dead-letter-rate <r>",
      "fail the run (exit 1, sinks not written) when a source sends more than this fraction (0-1) of its records to the dead letters",
      parseDeadLetterRate,
    )
    .option("-q, --quiet", "no summary on stderr")
    .addOption(
      new Option(
        "--state <backend>",
        "direct, kafka: where operator state lives — memory, or lmdb on disk for state larger than the heap (kafka --follow: kept, so a restart restores only the changelogs' tail)",
      )
        .choices(["memory", "lmdb"])
        .default("memory"),
    )
    .option(
      "--state-dir <dir>",
      "--state lmdb: direct and bounded kafka runs: an empty or new directory for the state (default a temporary one), removed after the run; kafka --follow: where task stores and their checkpoints are kept across restarts, one per instance (default <tmpdir>/lockstep-kafka-state)",
    )
    .option(
      "--state-cache <n>",
      "--state lmdb: state values held in memory (kafka: per task) before written out",
      wholeNumber("--state-cache", 1, 100_000),
      100_000,
    )
    .option("--store <dir>", "also write each keyed sink's final view to this view store (for lockstep serve), as a new snapshot")
    .option(
      "--workers <n>",
      "direct: worker threads; a pipeline that needs no repartition runs split by source key, with the same output (else on one thread, saying why)",
      wholeNumber("--workers", 1, 2),
      1,
    )
    .option(
      "--checkpoint-out <file>",
      "direct: also write the engine state at the end of the input (before the last windows fire), for a Kafka run to continue from",
    )
    .option("--from-checkpoint <file>", "kafka: start from a direct run's --checkpoint-out (a new application; the inputs are the records after the cut)")
    .option("--brokers <list>", "kafka: bootstrap servers (default: KAFKA_BROKERS, else an embedded broker)")
    .option("--partitions <n>", "kafka: partitions of the topics a run creates", wholeNumber("--partitions", 1, 3), 3)
    .option("--instances <n>", "kafka: runner instances in the consumer group (bounded runs)", wholeNumber("--instances", 1, 2), 1)
    .addOption(
      new Option("--kafka-client <name>", "kafka: the Kafka client library (default: LOCKSTEP_KAFKA_CLIENT, else kafkajs)").choices([
        "kafkajs",
        "platformatic",
      ]),
    )
    .addOption(new Option("--guarantee <mode>", "kafka: delivery guarantee").choices(["exactly-once", "at-least-once"]).default("exactly-once"))
    .option("--keep-topics", "kafka: keep a bounded run's topics afterwards")
    .option("--follow", "kafka: run unbounded on existing topics (no --in/--out) until SIGINT/SIGTERM")
    .option("--app-id <id>", "kafka --follow: application id (consumer group, internal topic prefix; default the pipeline name)")
    .option("--topic-prefix <prefix>", "kafka --follow: prefix of source and sink topic names", "")
    .option("--metrics-port <port>", "kafka --follow: serve Prometheus metrics on 127.0.0.1:<port>/metrics", wholeNumber("--metrics-port", 1, 9464))
    .option("--gateway <url>", "flink: the SQL Gateway's REST URL (default: FLINK_GATEWAY, else a local Flink started for the run)")
    .option(
      "--parallelism <n>",
      "flink: the job's parallelism (default: the deployment's parallelism.default; the local Flink's is 1, its slots 2)",
      wholeNumber("--parallelism", 1, 2),
    )
    .action(async (pipeline: string, o) => {
      if (o.runner !== "flink" && (o.gateway || o.parallelism))
        throw new UsageError("--gateway and --parallelism are options of the Flink runner. Fix: add --runner flink");
      if (o.runner !== "kafka" && (o.follow || o.brokers || o.appId || o.metricsPort || o.kafkaClient)) {
        throw new UsageError("--follow, --brokers, --kafka-client, --app-id and --metrics-port are options of the Kafka runner. Fix: add --runner kafka");
      }
      if (o.workers !== 1 && o.runner !== "direct")
        throw new UsageError(
          `--workers is an option of the DirectRunner (the ${o.runner} runner has its own parallelism). Fix: drop --workers or use --runner direct`,
        );
      if (o.checkpointOut && o.runner !== "direct")
        throw new UsageError("--checkpoint-out is written by the DirectRunner (the batch part of a backfill). Fix: add --runner direct");
      if (o.fromCheckpoint && o.runner !== "kafka")
        throw new UsageError("--from-checkpoint starts the Kafka runner from a batch run's state. Fix: add --runner kafka");
      if (o.fromCheckpoint && o.store)
        throw new UsageError(
          "--store writes a run's whole final view as a new snapshot, which would drop the batch run's keys that the stream never touched. Fix: keep the batch run's store and apply the stream's sink topics on top with `lockstep materialize --store DIR` (run the stream with --follow)",
        );
      if (o.runner !== "direct" && o.runner !== "kafka" && o.state !== "memory") {
        throw new UsageError(
          `--state ${o.state} is an option of the DirectRunner and the Kafka runner (the ${o.runner} runner keeps its own state). Fix: drop --state or use --runner direct`,
        );
      }
      if (o.state !== "lmdb" && o.stateDir) throw new UsageError("--state-dir is where --state lmdb keeps state. Fix: add --state lmdb");
      // A follow run's directory is meant to be reused: its task stores and checkpoints make restarts fast.
      if (!o.follow && o.stateDir && existsSync(o.stateDir) && readdirSync(o.stateDir).length > 0) {
        // A run starts from no state: state left in the directory would be read as this run's.
        throw new UsageError(`--state-dir ${o.stateDir} is not empty. Fix: give an empty or new directory`);
      }
      const { loadDefinition } = await import("../load-definition.ts");
      const { planOf } = await import("../definition.ts");
      const def = await loadDefinition(pipeline);
      const { plan, registry } = await planOf(def, o.param ?? {}, o.executors);
      if (o.follow) {
        if (o.store) throw new UsageError("--store writes the final view of a bounded run. Fix: drop --store with --follow");
        const { followCommand } = await import("../follow.ts");
        if (Object.keys(o.in ?? {}).length || Object.keys(o.out ?? {}).length)
          throw new UsageError("--follow reads and writes topics, not files. Fix: drop --in/--out (produce to the source topics instead)");
        const fromCheckpoint = o.fromCheckpoint ? await (await import("../checkpoint-file.ts")).readCheckpointFile(o.fromCheckpoint) : undefined;
        await followCommand(plan, registry, { ...o, state: stateChoiceOf(o), ...(fromCheckpoint ? { fromCheckpoint } : {}) }, io.err);
        return;
      }
      const { runCommand } = await import("../run.ts");
      await runCommand(plan, registry, {
        runner: o.runner,
        kafka: {
          brokers: o.brokers,
          partitions: o.partitions,
          instances: o.instances,
          guarantee: o.guarantee,
          keepTopics: Boolean(o.keepTopics),
          ...(o.kafkaClient ? { client: o.kafkaClient } : {}),
        },
        gateway: o.gateway,
        ...(o.parallelism === undefined ? {} : { parallelism: o.parallelism }),
        modules: [...(def.kind === "module" ? [def.path] : []), ...(o.executors ? [o.executors] : [])],
        inputs: o.in ?? {},
        outputs: o.out ?? {},
        deadLetters: o.deadLetters,
        late: o.late,
        onExecutorError: o.onExecutorError === "dead-letter" ? "deadLetter" : "fail",
        maxDeadLetterRate: o.maxDeadLetterRate,
        quiet: Boolean(o.quiet),
        err: io.err,
        store: o.store,
        checkpointOut: o.checkpointOut,
        fromCheckpoint: o.fromCheckpoint,
        state: stateChoiceOf(o),
        workers: o.workers,
        definition: { definition: pipeline, params: o.param ?? {}, ...(o.executors ? { executors: o.executors } : {}) },
      });
    });
};

/** The run's state choice from `--state`, `--state-dir` and `--state-cache`. */
const stateChoiceOf = (o: { state: string; stateDir?: string; stateCache: number }): StateChoice =>
  o.state === "lmdb" ? { lmdb: { ...(o.stateDir ? { dir: o.stateDir } : {}), cacheEntries: o.stateCache } } : "memory";
