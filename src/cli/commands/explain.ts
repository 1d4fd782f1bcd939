/**
 * `lockstep explain <pipeline>`: shows how a runner would execute a pipeline
 * (the arquero runner's verb plan: what is columnar, what falls back).
 *
 * @module
 */
import { Option } from "commander";
import { paramOption } from "../options.ts";
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
    .action(async (pipeline: string, o) => {
      const { planToShow } = await import("../definition.ts");
      const plan = await planToShow(pipeline, o.param ?? {});
      if (o.runner === "flink") {
        // The SQL, or the stage and the reason it cannot run on Flink — before anything is submitted.
        const { explainFlink, formatFlinkExplanation } = await import("../../../runners/flink/explain.ts");
        const e = explainFlink(plan);
        io.out(o.json ? JSON.stringify(e, null, 2) + "\n" : formatFlinkExplanation(e));
        return;
      }
      const { explain, formatExplanation } = await import("../../../runners/arquero/explain.ts");
      const e = explain(plan);
      io.out(o.json ? JSON.stringify(e, null, 2) + "\n" : formatExplanation(e));
    });
};
