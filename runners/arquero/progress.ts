/**
 * The arquero runner's progress: the shared bar (`src/run/progress.ts`:
 * records read, rate, % and ETA of the input files) with the stage being
 * executed and how many are done. Silent unless asked for and stderr is a TTY.
 *
 * @module
 */
import { runProgress } from "../../src/run/progress.ts";
import type { InputMeter, ProgressStream } from "../../src/run/progress.ts";

/** Reports progress of one run. */
export interface Progress {
  /** The meter reading input `name` reports to (undefined when nothing is drawn). */
  input(name: string): InputMeter | undefined;
  /** Stage `id` is starting. */
  stage(id: string): void;
  /** Runs `write` (which writes log lines to stderr) with the bar moved below them. */
  around<A>(write: () => A): A;
  /** The run ended (clears the line). */
  done(): void;
}

/**
 * A progress bar for a plan of `stages` stages reading `inputs`, drawn on
 * `out` when `enabled` and `out` is a TTY.
 */
export const progressBar = (
  stages: number,
  inputs: Readonly<Record<string, unknown>>,
  enabled: boolean | undefined,
  out: ProgressStream = process.stderr,
): Progress => {
  const p = runProgress("arquero", inputs, { enabled: enabled === true, stream: out });
  let started = 0;
  return {
    input: (name) => p.input(name),
    stage: (id) => p.stage(`stage ${++started}/${stages}: ${id}`),
    around: (write) => p.around(write),
    done: () => p.done(),
  };
};
