/**
 * What a CLI command module exports: a function that adds the command to the
 * `lockstep` program. The module itself stays light (commander and option
 * parsers only); its action imports the modules that do the work, so
 * `lockstep --help` loads no runner, parser or harness.
 *
 * @module
 */
import type { Command } from "commander";
import type { Io } from "../options.ts";

/** Adds one command to the program; output goes through `io` so tests can capture it. */
export type RegisterCommand = (program: Command, io: Io) => void;
