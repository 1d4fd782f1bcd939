/**
 * The commands of `lockstep`, in the order `--help` lists them. Adding a
 * command: a new module in this folder exporting a `RegisterCommand`, and
 * its entry here (main.ts does not change).
 *
 * @module
 */
import type { RegisterCommand } from "./command.ts";
import { registerCompile } from "./compile.ts";
import { registerDiff } from "./diff.ts";
import { registerExplain } from "./explain.ts";
import { registerGraph } from "./graph.ts";
import { registerMaterialize } from "./materialize.ts";
import { registerNexmark } from "./nexmark.ts";
import { registerParity } from "./parity.ts";
import { registerRun } from "./run.ts";
import { registerServe } from "./serve.ts";
import { registerValidate } from "./validate.ts";

export type { RegisterCommand } from "./command.ts";

/** Every command, registered in this order. */
export const COMMANDS: readonly RegisterCommand[] = [
  registerRun,
  registerCompile,
  registerValidate,
  registerGraph,
  registerExplain,
  registerParity,
  registerDiff,
  registerServe,
  registerMaterialize,
  registerNexmark,
];
