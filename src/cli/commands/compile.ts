/**
 * `lockstep compile <pipeline>`: compiles a pipeline module to its portable
 * JSON definition.
 *
 * @module
 */
import { paramOption } from "../options.ts";
import { UsageError } from "../usage-error.ts";
import type { RegisterCommand } from "./command.ts";

/** Adds `compile` to the command tree. */
export const registerCompile: RegisterCommand = (cmd, io) => {
  cmd
    .command("compile")
    .description("compile a pipeline module to its portable JSON definition")
    .argument("<pipeline>", "a .ts/.js module whose default export is a pipeline")
    .option("-o, --output <path>", "write the JSON here instead of stdout (- is stdout)")
    .option("--param <key=value>", "a pipeline parameter (repeatable)", paramOption())
    .action(async (pipeline: string, o) => {
      const { loadDefinition } = await import("../load-definition.ts");
      const { checkParams, building } = await import("../definition.ts");
      const { compile, planToJson } = await import("../../plan/compile.ts");
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
};
