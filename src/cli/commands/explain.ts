/**
 * `lockstep explain <pipeline>`: shows how a runner would execute a pipeline
 * (the arquero runner's verb plan: what is columnar, what falls back).
 *
 * @module
 */
import { Option } from "commander";
import { collectPairs, paramOption } from "../options.ts";
import { UsageError } from "../usage-error.ts";
import type { RegisterCommand } from "./command.ts";

/** Adds `explain` to the command tree. */
export const registerExplain: RegisterCommand = (cmd, io) => {
  cmd
    .command("explain")
    .description("show how a runner would execute a pipeline (arquero: the verb plan, what is columnar, what falls back; flink: the SQL, or why it is refused)")
    .argument("<pipeline>", "a .ts/.js module or a compiled .json")
    .addOption(new Option("--runner <name>", "the runner whose plan to show").choices(["arquero", "flink"]).default("arquero"))
    .option("--param <key=value>", "a pipeline parameter (repeatable)", paramOption())
    .option("--json", "print the explanation as JSON")
    .option(
      "--in <name=kafka://HOST:PORT/TOPIC>",
      "flink: a source or table read from a Kafka topic, to show that SQL (files need no --in)",
      collectPairs("--in", "events=kafka://127.0.0.1:9092/events"),
    )
    .action(async (pipeline: string, o) => {
      const { planToShow } = await import("../definition.ts");
      const plan = await planToShow(pipeline, o.param ?? {});
      if (o.runner === "flink") {
        // The SQL, or the stage and the reason it cannot run on Flink — before anything is submitted.
        const { explainFlink, formatFlinkExplanation } = await import("../../../runners/flink/explain.ts");
        const { topicInputOf } = await import("../../../runners/flink/topic-input.ts");
        const readers = plan.nodes.filter((n) => n.op === "source" || n.op === "table").map((n) => n.id);
        const unknown = Object.keys(o.in ?? {}).find((name) => !readers.includes(name));
        if (unknown !== undefined)
          throw new UsageError(`--in ${unknown}=…: pipeline "${plan.name}" has no source or table "${unknown}". Fix: use one of ${readers.join(", ")}`);
        const topics = Object.fromEntries(
          Object.entries((o.in ?? {}) as Record<string, string>).map(([name, url]) => {
            const t = topicInputOf(url);
            if (t === undefined) throw new UsageError(`--in ${name}=${url}: not a topic input. Fix: write it kafka://HOST:PORT[,HOST:PORT…]/TOPIC`);
            return [name, t];
          }),
        );
        const e = explainFlink(plan, { topics });
        io.out(o.json ? JSON.stringify(e, null, 2) + "\n" : formatFlinkExplanation(e));
        return;
      }
      const { explain, formatExplanation } = await import("../../../runners/arquero/explain.ts");
      const e = explain(plan);
      io.out(o.json ? JSON.stringify(e, null, 2) + "\n" : formatExplanation(e));
    });
};
