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
    .description("show how a runner would execute a pipeline (the arquero runner's verb plan: what is columnar, what falls back)")
    .argument("<pipeline>", "a .ts/.js module or a compiled .json")
    .addOption(new Option("--runner <name>", "the runner whose plan to show").choices(["arquero"]).default("arquero"))
    .option("--param <key=value>", "a pipeline parameter (repeatable)", paramOption())
    .option("--json", "print the explanation as JSON")
    .action(async (pipeline: string, o) => {
      const { planToShow } = await import("../definition.ts");
      const { explain, formatExplanation } = await import("../../../runners/arquero/explain.ts");
      const e = explain(await planToShow(pipeline, o.param ?? {}));
      io.out(o.json ? JSON.stringify(e, null, 2) + "\n" : formatExplanation(e));
    });
};
