/**
 * `lockstep graph <pipeline>`: draws a pipeline's stages as Mermaid,
 * Graphviz dot, SVG or PNG.
 *
 * @module
 */
import { Option } from "commander";
import { paramOption } from "../options.ts";
import { UsageError } from "../usage-error.ts";
import type { RegisterCommand } from "./command.ts";

/** Adds `graph` to the command tree. */
export const registerGraph: RegisterCommand = (cmd, io) => {
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
      const { planToShow } = await import("../definition.ts");
      const { renderGraph } = await import("../graph.ts");
      if (o.format === "png" && o.output === undefined)
        throw new UsageError("--format png writes binary data. Fix: add -o graph.png (or -o - to write it to stdout anyway)");
      const plan = await planToShow(pipeline, o.param ?? {});
      // The image libraries (Graphviz and resvg in WebAssembly) load only for the formats that need them.
      const drawn =
        o.format === "svg" || o.format === "png" ? await (await import("../graph-image.ts")).renderGraphImage(plan, o.format) : renderGraph(plan, o.format);
      if (o.output !== undefined && o.output !== "-") {
        const { mkdir, writeFile } = await import("node:fs/promises");
        const { dirname } = await import("node:path");
        await mkdir(dirname(o.output), { recursive: true });
        await writeFile(o.output, drawn);
      } else if (typeof drawn === "string") io.out(drawn);
      else process.stdout.write(drawn);
    });
};
