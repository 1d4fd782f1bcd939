/**
 * Jars fetched once from Maven Central and cached: the shared half of the local Kafka broker
 * (scripts/kafka) and the local Flink (scripts/flink). A POM lists the dependencies;
 * `mvn dependency:copy-dependencies` copies them, with everything they need, into a folder of the
 * cache. Nothing is built from the POM.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";

/** What to fetch, and where to. */
export interface JarSet {
  /** Said in errors, e.g. "Flink 1.20.3". */
  readonly what: string;
  /** The POM listing the dependencies. */
  readonly pom: string;
  /** The cache folder; the jars go to `<dir>/lib`. */
  readonly dir: string;
  /** Jars whose presence means the folder is complete (the download is renamed into place only when done). */
  readonly markers: readonly string[];
}

/** Whether `dir` holds all of `markers`. */
export function hasJars(dir: string, markers: readonly string[]): boolean {
  return markers.every((jar) => existsSync(join(dir, jar)));
}

const fetching = new Map<string, Promise<string>>();

/**
 * Makes sure the jars of `set` are in `<set.dir>/lib` and returns that path. Downloads into a
 * temp folder next to it and renames it into place, so an interrupted download is never taken
 * for a complete one; concurrent fetches (several processes) are harmless.
 */
export function ensureJars(set: JarSet): Promise<string> {
  const lib = join(set.dir, "lib");
  if (hasJars(lib, set.markers)) return Promise.resolve(lib);
  let pending = fetching.get(lib);
  if (!pending) {
    pending = fetchJars(set, lib).finally(() => fetching.delete(lib));
    fetching.set(lib, pending);
  }
  return pending;
}

async function fetchJars(set: JarSet, lib: string): Promise<string> {
  await mkdir(set.dir, { recursive: true });
  await removeStalePartials(set.dir);
  const partial = await mkdtemp(join(set.dir, "lib.partial-"));
  try {
    const args = ["-q", "-B", "-Dstyle.color=never", "-f", set.pom, "dependency:copy-dependencies", `-DoutputDirectory=${partial}`];
    const { code, output } = await runCommand("mvn", args, `to fetch the ${set.what} jars`);
    if (code !== 0) throw new Error(`Fetching ${set.what} jars failed (mvn ${args.join(" ")} exited with ${code}):\n${tailLines(output, 40)}`);
    if (!hasJars(partial, set.markers)) throw new Error(`mvn succeeded but ${set.markers.join(", ")} missing in ${partial}`);
    if (hasJars(lib, set.markers)) return lib; // another process won the race
    await rm(lib, { recursive: true, force: true }); // an incomplete leftover, if any
    try {
      await rename(partial, lib);
    } catch (err) {
      if (!hasJars(lib, set.markers)) throw err;
    }
    return lib;
  } finally {
    await rm(partial, { recursive: true, force: true });
  }
}

/** Partial downloads and temp files left behind by a killed process (older than 15 minutes). */
async function removeStalePartials(dir: string): Promise<void> {
  for (const name of await readdir(dir)) {
    if (!name.startsWith("lib.partial-") && !name.includes(".jsa.tmp-") && !name.includes(".tmp-")) continue;
    const path = join(dir, name);
    const age = Date.now() - (await stat(path).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
    if (age > 15 * 60_000) await rm(path, { recursive: true, force: true });
  }
}

/** Runs a command to its end and returns its exit code and its stdout+stderr. `why` goes into the "not found" error. */
export function runCommand(cmd: string, args: string[], why: string, opts: { cwd?: string } = {}): Promise<{ code: number; output: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"], cwd: opts.cwd });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("error", (err: NodeJS.ErrnoException) => reject(err.code === "ENOENT" ? new Error(`\`${cmd}\` not found on PATH (needed ${why})`) : err));
    child.on("close", (code, signal) => resolvePromise({ code: code ?? (signal ? 128 : 1), output }));
  });
}

/** The last `lines` lines of `text`. */
export function tailLines(text: string, lines: number): string {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}
