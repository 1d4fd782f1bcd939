/**
 * Starts a worker thread on one of lockstep's own modules, from the compiled
 * package or from the sources.
 *
 * The compiled package runs `.js` and needs nothing. The sources (tests, dev
 * scripts) run `.ts` under a TypeScript loader that a worker thread does not
 * inherit on Node 20 (`--import tsx` in a worker's execArgv is not applied to
 * its module loads), so there the worker first registers tsx's loader through
 * its API and then imports the module: every module of the worker then loads
 * through that one loader, as in the parent.
 *
 * @module
 */
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";

/** The module URL of a sibling of `from` (an `import.meta.url`) named `name` plus the caller's own extension (`.ts` from the sources, `.js` compiled). */
export const siblingModule = (from: string, name: string): URL => new URL(`./${name}.${from.endsWith(".ts") ? "ts" : "js"}`, from);

/** Starts a worker thread running the module at `entry`, with `workerData`. */
export const startWorker = (entry: URL, workerData: unknown): Worker => {
  if (!entry.pathname.endsWith(".ts")) return new Worker(entry, { workerData });
  // tsx's ESM API, found from here (a devDependency: only the sources run .ts).
  const api = pathToFileURL(
    createRequire(import.meta.url)
      .resolve("tsx/esm/api")
      .replace(/\.cjs$/, ".mjs"),
  ).href;
  const boot = `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`;
  // No inherited execArgv: a parent's `--import tsx` would register a second loader beside this one.
  return new Worker(boot, { eval: true, workerData, execArgv: [] });
};
