/**
 * When a long-running command (`run --follow`) should stop: on SIGINT or
 * SIGTERM, or when the shell npm started it under has gone.
 *
 * Why the last one: `npx lockstep …` (and `npm run …`) runs the bin as
 * npm → `sh -c 'lockstep …'` → node. npm forwards SIGINT and SIGTERM to its
 * child, the shell — not to node under it — and `sh` (dash) dies of the
 * signal without passing it on, so node is left running as an orphan while
 * npm exits. A Ctrl-C in a terminal reaches the whole process group and was
 * never affected; `kill <npx pid>`, a supervisor or `docker stop` were. The
 * shell dying is therefore how a signal to npx reaches us: node's parent
 * changes. This is watched only under npm (it sets `npm_lifecycle_event`),
 * so a process started with nohup or by a shell that later exits keeps
 * running as asked.
 *
 * @module
 */

/** Why a command stops. */
export type StopReason = "SIGINT" | "SIGTERM" | "launcher exited";

/** Options of {@link untilStopRequested}. */
export interface StopOptions {
  /** Watch for the parent's exit (default: when started by npm, i.e. npx or npm run). */
  readonly watchParent?: boolean;
  /** How often the parent is checked, in ms (default 200). */
  readonly pollMs?: number;
}

/** Whether npm (npx, npm exec, npm run) started this process, through its shell. */
export const startedByNpm = (): boolean => process.env.npm_lifecycle_event !== undefined;

/**
 * Resolves with the reason once the process should stop; `cancel` removes
 * the handlers (e.g. when the command failed and stops for another reason).
 */
export const untilStopRequested = (opts: StopOptions = {}): { readonly stopped: Promise<StopReason>; cancel(): void } => {
  let cancel = () => {};
  const stopped = new Promise<StopReason>((resolve) => {
    const parent = process.ppid;
    const onInt = () => finish("SIGINT");
    const onTerm = () => finish("SIGTERM");
    const watch =
      (opts.watchParent ?? startedByNpm())
        ? setInterval(() => {
            // process.ppid is read afresh each time: an orphan is adopted by init or a subreaper.
            if (process.ppid !== parent) finish("launcher exited");
          }, opts.pollMs ?? 200)
        : undefined;
    watch?.unref();
    process.once("SIGINT", onInt);
    process.once("SIGTERM", onTerm);
    cancel = () => {
      process.removeListener("SIGINT", onInt);
      process.removeListener("SIGTERM", onTerm);
      if (watch) clearInterval(watch);
    };
    const finish = (reason: StopReason) => {
      cancel();
      resolve(reason);
    };
  });
  return { stopped, cancel: () => cancel() };
};
