/**
 * A one-line progress bar on a terminal: rows read, stages done. Silent
 * when stderr is not a TTY (pipes, CI, tests), or when turned off.
 *
 * @module
 */

/** Reports progress of one run. */
export interface Progress {
  /** `n` more input records read. */
  read(n: number): void;
  /** Stage `id` is starting. */
  stage(id: string): void;
  /** The run ended (clears the line). */
  done(): void;
}

const SILENT: Progress = { read: () => {}, stage: () => {}, done: () => {} };

const REDRAW_MS = 100;

/**
 * A progress bar for a plan of `stages` stages, drawn on `out` when it is a
 * TTY and `enabled` is not false.
 */
export const progressBar = (stages: number, enabled: boolean | undefined, out: NodeJS.WriteStream = process.stderr): Progress => {
  if (enabled === false || !(enabled === true || out.isTTY)) return SILENT;
  let rows = 0;
  let done = 0;
  let current = "reading input";
  let last = 0;
  const draw = (force = false) => {
    const now = Date.now();
    if (!force && now - last < REDRAW_MS) return;
    last = now;
    const width = 20;
    const filled = Math.round((done / Math.max(stages, 1)) * width);
    const bar = "#".repeat(filled) + "-".repeat(width - filled);
    out.write(`\r\x1b[2Klockstep[arquero] [${bar}] ${done}/${stages} stages · ${rows.toLocaleString("en-US")} rows read · ${current}`);
  };
  return {
    read: (n) => {
      rows += n;
      draw();
    },
    stage: (id) => {
      if (current !== "reading input") done++;
      current = id;
      draw();
    },
    done: () => {
      done = stages;
      draw(true);
      out.write("\r\x1b[2K");
    },
  };
};
