/**
 * Where lockstep itself is installed, and its version: read from its own
 * package.json, found by walking up from this module. The walk is needed
 * because this file runs from two depths — `src/core/` in the repository and
 * `dist/src/core/` in the published package.
 *
 * @module
 */
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let cached: { root: string; version: string } | undefined;

const find = (): { root: string; version: string } => {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = join(dir, "package.json");
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, "utf8")) as { name?: string; version?: string };
      if (pkg.name === "lockstep") return (cached = { root: dir, version: pkg.version ?? "0.0.0" });
    }
    const up = dirname(dir);
    if (up === dir) throw new Error("lockstep's package.json was not found above " + fileURLToPath(import.meta.url));
    dir = up;
  }
};

/** The folder holding lockstep's package.json (the repository, or `node_modules/lockstep`). */
export const packageRoot = (): string => find().root;

/** lockstep's version, as its package.json says. */
export const packageVersion = (): string => find().version;

/**
 * Where lockstep caches what it fetches once (the embedded Kafka broker's
 * jars): `LOCKSTEP_CACHE_DIR` when set; in a checkout of the repository its
 * ignored `.cache/`; for an installed package the user's cache folder
 * (`$XDG_CACHE_HOME/lockstep`, else `~/.cache/lockstep`), so a reinstall
 * does not fetch again and `node_modules` stays read-only.
 */
export const cacheDir = (): string => {
  if (process.env.LOCKSTEP_CACHE_DIR) return process.env.LOCKSTEP_CACHE_DIR;
  const root = packageRoot();
  if (!root.split(/[\\/]/).includes("node_modules")) return join(root, ".cache");
  return join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "lockstep");
};
