/**
 * The `lockstep` command line: run, compile, validate, graph, explain,
 * parity, diff (one module each in `commands/`).
 *
 * Exit codes: 0 ok, 1 the run failed, 2 bad usage or an invalid definition.
 *
 * @module
 */
import { Command, CommanderError } from "commander";
import { DefinitionError, DefinitionErrors } from "../core/errors.ts";
import { packageVersion } from "../core/package-info.ts";
import { COMMANDS } from "./commands/index.ts";
import { collectPairs, CommandExit, type Io } from "./options.ts";
import { UsageError } from "./usage-error.ts";

export { UsageError, collectPairs };

/**
 * Builds the command tree: the program's own options, then every command of
 * `commands/` (one module each). Each command's action imports its own
 * modules: `lockstep diff` never loads a runner, `lockstep run` never loads
 * the parity harness, and start-up costs only what the command uses. Output
 * goes through `out`/`err` so tests can capture it.
 */
export const program = (io: Io): Command => {
  const cmd = new Command("lockstep")
    .description("One pipeline definition, many runners, identical results.")
    .version(packageVersion())
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .exitOverride()
    .showHelpAfterError("(run with --help for usage)");
  for (const register of COMMANDS) register(cmd, io);
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
