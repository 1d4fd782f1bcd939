/**
 * `lockstep validate <definition>`: checks a compiled definition's shape,
 * references and hash, and with `--executors` every executor it needs.
 *
 * @module
 */
import { UsageError } from "../usage-error.ts";
import type { RegisterCommand } from "./command.ts";

/** Adds `validate` to the command tree. */
export const registerValidate: RegisterCommand = (cmd, io) => {
  cmd
    .command("validate")
    .description("check a compiled definition: shape, references, hash and (with --executors) every executor")
    .argument("<definition>", "a compiled .json definition")
    .option("--executors <module>", "check that this module provides every executor and combiner the definition needs")
    .action(async (path: string, o) => {
      const { loadDefinition, loadExecutors } = await import("../load-definition.ts");
      const { parsePlan } = await import("../../plan/load.ts");
      const def = await loadDefinition(path);
      if (def.kind !== "plan") throw new UsageError(`${path} is a module. Fix: compile it first, or pass the .json`);
      const registry = o.executors ? await loadExecutors(o.executors) : undefined;
      const plan = parsePlan(def.json, registry);
      io.out(`${path}: valid ${plan.format} definition "${plan.name}" v${plan.version}, ${plan.nodes.length} stages, ${plan.hash}\n`);
      if (!registry && plan.executors.length > 0) {
        io.out(`  executors not checked (pass --executors): ${plan.executors.join(", ")}\n`);
      }
    });
};
