/**
 * The `lockstep` command line: run, compile, validate, graph, parity, diff.
 *
 * Exit codes: 0 ok, 1 the run failed, 2 bad usage or an invalid definition.
 *
 * @module
 */
import { Command, CommanderError, Option } from "commander";
import { DefinitionError, DefinitionErrors } from "../core/errors.ts";
import { packageVersion } from "../core/package-info.ts";
import { UsageError } from "./usage-error.ts";
import { collectPairs, CommandExit, parseDeadLetterRate, type Io } from "./options.ts";
import { addParityCommand } from "./parity.ts";
import { addDiffCommand } from "./diff.ts";
import { addNexmarkCommand } from "./nexmark.ts";
import { addServeCommand } from "./serve.ts";
import { addMaterializeCommand } from "./materialize.ts";

export { UsageError, collectPairs };

// Repeatable, not variadic (`<x...>`): a variadic option would swallow the
// pipeline argument when it comes after the option (`run --in a=x p.ts`).
const inOption = () => collectPairs("--in", "events=events.jsonl");
const outOption = () => collectPairs("--out", "counts=out/counts.jsonl");
const paramOption = () => collectPairs("--param", "window=fixed:10s");

/** Parses a whole number ≥ 1 option. */
const positiveInt = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`"${v}" is not a whole number ≥ 1. Fix: e.g. --partitions 3`);
  return n;
};

// Every command's action imports its own modules: `lockstep diff` never loads
// a runner, `lockstep run` never loads the parity harness, and start-up costs
// only what the command uses.

/** Builds the command tree. Output goes through `out`/`err` so tests can capture it. */
export const program = (io: Io): Command => {
  const cmd = new Command("lockstep")
    .description("One pipeline definition, many runners, identical results.")
    .version(packageVersion())
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .exitOverride()
    .showHelpAfterError("(run with --help for usage)");

  cmd
    .command("run")
    .description("run a pipeline over input files and write the final view of each sink")
    .argument("<pipeline>", "a .ts/.js module whose default export is a pipeline, or a compiled .json")
    .addOption(new Option("--runner <name>", "where to run it").choices(["direct", "kafka", "arquero"]).default("direct"))
    .option(
      "--in <name=path>",
      "the input of a source or table, once per source and table (JSONL by default; .csv, .arrow, .parquet by extension; - for stdin)",
      inOption(),
    )
    .option("--out <sink=path>", "where to write a sink's final view, once per sink wanted (format by extension; - for stdout)", outOption())
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
    .option("--store <dir>", "also write each keyed sink's final view to this view store (for lockstep serve), as a new snapshot")
    .option("--brokers <list>", "kafka: bootstrap servers (default: KAFKA_BROKERS, else an embedded broker)")
    .option("--partitions <n>", "kafka: partitions of the topics a run creates", positiveInt, 3)
    .option("--instances <n>", "kafka: runner instances in the consumer group (bounded runs)", positiveInt, 1)
    .addOption(new Option("--guarantee <mode>", "kafka: delivery guarantee").choices(["exactly-once", "at-least-once"]).default("exactly-once"))
    .option("--keep-topics", "kafka: keep a bounded run's topics afterwards")
    .option("--follow", "kafka: run unbounded on existing topics (no --in/--out) until SIGINT/SIGTERM")
    .option("--app-id <id>", "kafka --follow: application id (consumer group, internal topic prefix; default the pipeline name)")
    .option("--topic-prefix <prefix>", "kafka --follow: prefix of source and sink topic names", "")
    .option("--metrics-port <port>", "kafka --follow: serve Prometheus metrics on 127.0.0.1:<port>/metrics", positiveInt)
    .action(async (pipeline: string, o) => {
      if (o.runner !== "kafka" && (o.follow || o.brokers || o.appId || o.metricsPort)) {
        throw new UsageError("--follow, --brokers, --app-id and --metrics-port are options of the Kafka runner. Fix: add --runner kafka");
      }
      const { loadDefinition } = await import("./load-definition.ts");
      const { planOf } = await import("./definition.ts");
      const def = await loadDefinition(pipeline);
      const { plan, registry } = await planOf(def, o.param ?? {}, o.executors);
      if (o.follow) {
        if (o.store) throw new UsageError("--store writes the final view of a bounded run. Fix: drop --store with --follow");
        const { followCommand } = await import("./follow.ts");
        if (Object.keys(o.in ?? {}).length || Object.keys(o.out ?? {}).length)
          throw new UsageError("--follow reads and writes topics, not files. Fix: drop --in/--out (produce to the source topics instead)");
        await followCommand(plan, registry, o, io.err);
        return;
      }
      const { runCommand } = await import("./run.ts");
      await runCommand(plan, registry, {
        runner: o.runner,
        kafka: { brokers: o.brokers, partitions: o.partitions, instances: o.instances, guarantee: o.guarantee, keepTopics: Boolean(o.keepTopics) },
        inputs: o.in ?? {},
        outputs: o.out ?? {},
        deadLetters: o.deadLetters,
        late: o.late,
        onExecutorError: o.onExecutorError === "dead-letter" ? "deadLetter" : "fail",
        maxDeadLetterRate: o.maxDeadLetterRate,
        quiet: Boolean(o.quiet),
        err: io.err,
        store: o.store,
      });
    });

  cmd
    .command("compile")
    .description("compile a pipeline module to its portable JSON definition")
    .argument("<pipeline>", "a .ts/.js module whose default export is a pipeline")
    .option("-o, --output <path>", "write the JSON here instead of stdout (- is stdout)")
    .option("--param <key=value>", "a pipeline parameter (repeatable)", paramOption())
    .action(async (pipeline: string, o) => {
      const { loadDefinition } = await import("./load-definition.ts");
      const { checkParams, building } = await import("./definition.ts");
      const { compile, planToJson } = await import("../plan/compile.ts");
      const { mkdir, writeFile } = await import("node:fs/promises");
      const { dirname } = await import("node:path");
      const def = await loadDefinition(pipeline);
      if (def.kind !== "module") throw new UsageError(`${pipeline} is already compiled. Fix: pass the .ts/.js module it came from`);
      const params = o.param ?? {};
      checkParams(def.pipeline, params);
      const text = planToJson(building(def.path, params, () => compile(def.pipeline, params)));
      if (o.output && o.output !== "-") {
        await mkdir(dirname(o.output), { recursive: true });
        await writeFile(o.output, text);
      } else io.out(text);
    });

  cmd
    .command("validate")
    .description("check a compiled definition: shape, references, hash and (with --executors) every executor")
    .argument("<definition>", "a compiled .json definition")
    .option("--executors <module>", "check that this module provides every executor and combiner the definition needs")
    .action(async (path: string, o) => {
      const { loadDefinition, loadExecutors } = await import("./load-definition.ts");
      const { parsePlan } = await import("../plan/load.ts");
      const def = await loadDefinition(path);
      if (def.kind !== "plan") throw new UsageError(`${path} is a module. Fix: compile it first, or pass the .json`);
      const registry = o.executors ? await loadExecutors(o.executors) : undefined;
      const plan = parsePlan(def.json, registry);
      io.out(`${path}: valid ${plan.format} definition "${plan.name}" v${plan.version}, ${plan.nodes.length} stages, ${plan.hash}\n`);
      if (!registry && plan.executors.length > 0) {
        io.out(`  executors not checked (pass --executors): ${plan.executors.join(", ")}\n`);
      }
    });

  cmd
    .command("graph")
    .description("draw a pipeline's stages as a Mermaid or Graphviz graph, or as an SVG or PNG image")
    .argument("<pipeline>", "a .ts/.js module or a compiled .json")
    .addOption(
      new Option("--format <format>", "output format (svg and png need no Graphviz installed)").choices(["mermaid", "dot", "svg", "png"]).default("mermaid"),
    )
    .option("-o, --output <path>", "write it here instead of stdout (- is stdout; png needs -o)")
    .option("--param <key=value>", "a pipeline parameter (repeatable)", paramOption())
    .action(async (pipeline: string, o) => {
      const { planToShow } = await import("./definition.ts");
      const { renderGraph } = await import("./graph.ts");
      if (o.format === "png" && o.output === undefined)
        throw new UsageError("--format png writes binary data. Fix: add -o graph.png (or -o - to write it to stdout anyway)");
      const plan = await planToShow(pipeline, o.param ?? {});
      // The image libraries (Graphviz and resvg in WebAssembly) load only for the formats that need them.
      const drawn =
        o.format === "svg" || o.format === "png" ? await (await import("./graph-image.ts")).renderGraphImage(plan, o.format) : renderGraph(plan, o.format);
      if (o.output !== undefined && o.output !== "-") {
        const { mkdir, writeFile } = await import("node:fs/promises");
        const { dirname } = await import("node:path");
        await mkdir(dirname(o.output), { recursive: true });
        await writeFile(o.output, drawn);
      } else if (typeof drawn === "string") io.out(drawn);
      else process.stdout.write(drawn);
    });

  cmd
    .command("explain")
    .description("show how a runner would execute a pipeline (the arquero runner's verb plan: what is columnar, what falls back)")
    .argument("<pipeline>", "a .ts/.js module or a compiled .json")
    .addOption(new Option("--runner <name>", "the runner whose plan to show").choices(["arquero"]).default("arquero"))
    .option("--param <key=value>", "a pipeline parameter (repeatable)", paramOption())
    .option("--json", "print the explanation as JSON")
    .action(async (pipeline: string, o) => {
      const { planToShow } = await import("./definition.ts");
      const { explain, formatExplanation } = await import("../../runners/arquero/explain.ts");
      const e = explain(await planToShow(pipeline, o.param ?? {}));
      io.out(o.json ? JSON.stringify(e, null, 2) + "\n" : formatExplanation(e));
    });

  addParityCommand(cmd, io);
  addDiffCommand(cmd, io);
  addNexmarkCommand(cmd, io);
  addServeCommand(cmd, io);
  addMaterializeCommand(cmd, io);

  return cmd;
};

/**
 * Runs the CLI; returns the exit code (0 ok, 1 the run failed, 2 bad usage
 * or an invalid definition).
 *
 * @param argv  the user's arguments, without node and the script:
 *   `main(["run", "p.ts", "--in", "events=e.jsonl"])` (the bin passes
 *   `process.argv.slice(2)`)
 * @param io  where messages go; sink files written to `-` still go to
 *   process.stdout
 */
export const main = async (
  argv: readonly string[],
  io = { out: (s: string) => void process.stdout.write(s), err: (s: string) => void process.stderr.write(s) },
): Promise<number> => {
  try {
    await program(io).parseAsync([...argv], { from: "user" });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof CommandExit) return e.code;
    if (e instanceof DefinitionErrors || e instanceof DefinitionError) {
      io.err(`lockstep: invalid definition: ${e.message}\n`);
      return 2;
    }
    if (e instanceof UsageError) {
      io.err(`lockstep: ${e.message}\n`);
      return 2;
    }
    io.err(`lockstep: run failed: ${(e as Error).message ?? String(e)}\n`);
    return 1;
  }
};
