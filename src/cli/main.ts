/**
 * The `lockstep` command line: run, compile, validate, graph, parity, diff.
 *
 * Exit codes: 0 ok, 1 the run failed, 2 bad usage or an invalid definition.
 *
 * @module
 */
import { Command, CommanderError, Option } from "commander";
import { writeFile, mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { DefinitionError, DefinitionErrors } from "../core/errors.ts";
import { compile, planToJson, registryOf } from "../plan/compile.ts";
import { parsePlan } from "../plan/load.ts";
import type { Plan } from "../plan/ir.ts";
import type { Pipeline } from "../plan/graph.ts";
import type { Registry } from "../registry/registry.ts";
import { createRegistry, mergeRegistries } from "../registry/registry.ts";
import { loadDefinition, loadExecutors } from "./load-definition.ts";
import type { Definition } from "./load-definition.ts";
import { renderGraph } from "./graph.ts";
import { explain, formatExplanation } from "../../runners/arquero/explain.ts";
import { runCommand } from "./run.ts";
import { followCommand } from "./follow.ts";
import { UsageError } from "./usage-error.ts";
import { addParityCommand, CommandExit } from "./parity.ts";
import { addDiffCommand } from "./diff.ts";

export { UsageError };

/**
 * Parses a repeatable `NAME=VALUE` option into a record; `example` is shown
 * when a value is malformed. Giving the same name twice is refused: the
 * second would silently win.
 */
export const collectPairs = (flag: string, example: string) => (value: string, prev: Record<string, string> = {}): Record<string, string> => {
  const i = value.indexOf("=");
  if (i <= 0) throw new UsageError(`${flag} ${value}: expected NAME=VALUE. Fix: e.g. ${flag} ${example}`);
  const name = value.slice(0, i);
  if (Object.hasOwn(prev, name)) throw new UsageError(`${flag} ${name}=… is given twice. Fix: give each name once`);
  return { ...prev, [name]: value.slice(i + 1) };
};

// Repeatable, not variadic (`<x...>`): a variadic option would swallow the
// pipeline argument when it comes after the option (`run --in a=x p.ts`).
const inOption = () => collectPairs("--in", "events=events.jsonl");
const outOption = () => collectPairs("--out", "counts=out/counts.jsonl");
const paramOption = () => collectPairs("--param", "window=fixed:10s");

/**
 * Refuses parameters a pipeline module does not declare, before building it
 * (the DSL's own check throws a plain error that would read as a failed run).
 */
export const checkParams = (pipeline: Pipeline, params: Record<string, string>): void => {
  const known = Object.keys(pipeline.params);
  for (const k of Object.keys(params)) {
    if (!known.includes(k)) {
      throw new UsageError(
        `--param ${k}=…: pipeline "${pipeline.name}" has no parameter "${k}". Fix: ${known.length ? `use one of ${known.join(", ")}` : "drop --param: this pipeline takes no parameters"}`,
      );
    }
  }
};

/**
 * Builds a pipeline module's graph (`build`, e.g. `compile` or
 * `registryOf`). A plain error thrown while building comes from the
 * pipeline's own code or the DSL's checks, so it is reported as an invalid
 * definition (exit 2), not as a failed run.
 */
const building = <A>(path: string, params: Record<string, string>, build: () => A): A => {
  try {
    return build();
  } catch (e) {
    if (e instanceof DefinitionError || e instanceof DefinitionErrors || e instanceof UsageError || !(e instanceof Error)) throw e;
    const fix = /\bFix: /.test(e.message) ? "" : `. Fix: correct the pipeline module${Object.keys(params).length ? " or the --param values given" : ""}`;
    throw new UsageError(`${path}: the pipeline cannot be built: ${e.message}${fix}`);
  }
};

/** Refuses `--param` values that differ from those a compiled plan was built with. */
const checkPlanParams = (plan: Plan, path: string, params: Record<string, string>): void => {
  for (const [k, v] of Object.entries(params)) {
    const compiled = Object.hasOwn(plan.params, k) ? plan.params[k] : undefined; // own keys: not Object.prototype's
    if (compiled !== v) {
      throw new DefinitionError(`params.${k}`, `${path} was compiled with ${k}=${compiled ?? "(no such parameter)"}`, "recompile the pipeline module with `lockstep compile <module> --param …`");
    }
  }
};

/** Resolves a definition into a validated plan and the registry to run it with. */
export const planOf = async (def: Definition, params: Record<string, string>, executorsPath?: string): Promise<{ plan: Plan; registry: Registry }> => {
  const extra = executorsPath ? await loadExecutors(executorsPath) : createRegistry();
  if (def.kind === "module") {
    checkParams(def.pipeline, params);
    const registry = mergeRegistries(building(def.path, params, () => registryOf(def.pipeline, params)), extra);
    return { plan: building(def.path, params, () => compile(def.pipeline, params)), registry };
  }
  const plan = parsePlan(def.json, extra);
  checkPlanParams(plan, def.path, params);
  return { plan, registry: extra };
};

/** Parses a whole number ≥ 1 option. */
const positiveInt = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`"${v}" is not a whole number ≥ 1. Fix: e.g. --partitions 3`);
  return n;
};

/** The plan of a module or compiled file, for commands that only describe it (no executors needed). */
const planToShow = async (path: string, params: Record<string, string>): Promise<Plan> => {
  const def = await loadDefinition(path);
  if (def.kind === "module") {
    checkParams(def.pipeline, params);
    return building(def.path, params, () => compile(def.pipeline, params));
  }
  const plan = parsePlan(def.json);
  checkPlanParams(plan, def.path, params);
  return plan;
};

/** Builds the command tree. Output goes through `out`/`err` so tests can capture it. */
export const program = (io: { out: (s: string) => void; err: (s: string) => void }): Command => {
  const cmd = new Command("lockstep")
    .description("One pipeline definition, many runners, identical results.")
    .version("0.1.0")
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .exitOverride()
    .showHelpAfterError("(run with --help for usage)");

  cmd
    .command("run")
    .description("run a pipeline over input files and write the final view of each sink")
    .argument("<pipeline>", "a .ts/.js module whose default export is a pipeline, or a compiled .json")
    .addOption(new Option("--runner <name>", "where to run it").choices(["direct", "kafka", "arquero"]).default("direct"))
    .option("--in <name=path>", "the input of a source or table, once per source and table (JSONL by default; .csv, .arrow, .parquet by extension; - for stdin)", inOption())
    .option("--out <sink=path>", "where to write a sink's final view, once per sink wanted (format by extension; - for stdout)", outOption())
    .option("--param <key=value>", "a pipeline parameter (repeatable)", paramOption())
    .option("--executors <module>", "a module exporting the executors a compiled .json needs")
    .option("--dead-letters <path>", "write dead letters (JSONL) here")
    .option("--late <path>", "write elements dropped as late (JSONL) here")
    .addOption(new Option("--on-executor-error <mode>", "when an executor throws").choices(["fail", "dead-letter"]).default("fail"))
    .option("-q, --quiet", "no summary on stderr")
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
      const def = await loadDefinition(pipeline);
      const { plan, registry } = await planOf(def, o.param ?? {}, o.executors);
      if (o.follow) {
        if (Object.keys(o.in ?? {}).length || Object.keys(o.out ?? {}).length) throw new UsageError("--follow reads and writes topics, not files. Fix: drop --in/--out (produce to the source topics instead)");
        await followCommand(plan, registry, o, io.err);
        return;
      }
      await runCommand(plan, registry, {
        runner: o.runner,
        kafka: { brokers: o.brokers, partitions: o.partitions, instances: o.instances, guarantee: o.guarantee, keepTopics: Boolean(o.keepTopics) },
        inputs: o.in ?? {},
        outputs: o.out ?? {},
        deadLetters: o.deadLetters,
        late: o.late,
        onExecutorError: o.onExecutorError === "dead-letter" ? "deadLetter" : "fail",
        quiet: Boolean(o.quiet),
        err: io.err,
      });
    });

  cmd
    .command("compile")
    .description("compile a pipeline module to its portable JSON definition")
    .argument("<pipeline>", "a .ts/.js module whose default export is a pipeline")
    .option("-o, --output <path>", "write the JSON here instead of stdout (- is stdout)")
    .option("--param <key=value>", "a pipeline parameter (repeatable)", paramOption())
    .action(async (pipeline: string, o) => {
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
    .description("draw a pipeline's stages as a Mermaid or Graphviz graph")
    .argument("<pipeline>", "a .ts/.js module or a compiled .json")
    .addOption(new Option("--format <format>", "output format").choices(["mermaid", "dot"]).default("mermaid"))
    .option("--param <key=value>", "a pipeline parameter (repeatable)", paramOption())
    .action(async (pipeline: string, o) => {
      io.out(renderGraph(await planToShow(pipeline, o.param ?? {}), o.format));
    });

  cmd
    .command("explain")
    .description("show how a runner would execute a pipeline (the arquero runner's verb plan: what is columnar, what falls back)")
    .argument("<pipeline>", "a .ts/.js module or a compiled .json")
    .addOption(new Option("--runner <name>", "the runner whose plan to show").choices(["arquero"]).default("arquero"))
    .option("--param <key=value>", "a pipeline parameter (repeatable)", paramOption())
    .option("--json", "print the explanation as JSON")
    .action(async (pipeline: string, o) => {
      const e = explain(await planToShow(pipeline, o.param ?? {}));
      io.out(o.json ? JSON.stringify(e, null, 2) + "\n" : formatExplanation(e));
    });

  addParityCommand(cmd, io);
  addDiffCommand(cmd, io);

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
export const main = async (argv: readonly string[], io = { out: (s: string) => void process.stdout.write(s), err: (s: string) => void process.stderr.write(s) }): Promise<number> => {
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
