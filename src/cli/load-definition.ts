/**
 * Loading what the CLI is pointed at: a pipeline module (`.ts`/`.js` whose
 * default export is a pipeline) or a compiled plan (`.json`), plus an
 * optional module of executors for plans.
 *
 * @module
 */
import { readFile } from "node:fs/promises";
import { DefinitionError } from "../core/errors.ts";
import type { Pipeline } from "../plan/graph.ts";
import { isPipeline } from "../plan/graph.ts";
import type { Registrable, Registry, ServiceClient } from "../registry/registry.ts";
import { createRegistry } from "../registry/registry.ts";
import { importModule } from "./import-module.ts";

/** A pipeline module or a compiled plan's text. */
export type Definition = { kind: "module"; pipeline: Pipeline; path: string } | { kind: "plan"; json: string; path: string };

/** Imports a module by path (relative to the working directory). */
const importPath = (path: string): Promise<Record<string, unknown>> => importModule(path);

/** Loads a definition file. */
export const loadDefinition = async (path: string): Promise<Definition> => {
  if (path.endsWith(".json")) {
    let json: string;
    try {
      json = await readFile(path, "utf8");
    } catch (e) {
      throw new DefinitionError(path, `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, "check the path");
    }
    return { kind: "plan", json, path };
  }
  if (!/\.(ts|mts|js|mjs)$/.test(path)) {
    throw new DefinitionError(
      path,
      "is neither a pipeline module (.ts/.js) nor a compiled definition (.json)",
      "pass a .ts/.js module whose default export is a pipeline, or a .json from `lockstep compile`",
    );
  }
  let mod: Record<string, unknown>;
  try {
    mod = await importPath(path);
  } catch (e) {
    throw new DefinitionError(path, `cannot be imported: ${(e as Error).message}`, "check the path and that the module runs on its own");
  }
  const p = mod.default;
  if (!isPipeline(p)) {
    throw new DefinitionError(path, "has no pipeline as its default export", "end the module with `export default L.pipeline(…)`");
  }
  return { kind: "module", pipeline: p, path };
};

/**
 * Collects executors, combiners and service clients from a module: every
 * export that is an executor or combiner (also inside exported arrays), a
 * default-exported registry, and an export named `services` mapping names to
 * clients.
 */
export const loadExecutors = async (path: string): Promise<Registry> => {
  let mod: Record<string, unknown>;
  try {
    mod = await importPath(path);
  } catch (e) {
    throw new DefinitionError(path, `cannot be imported: ${(e as Error).message}`, "check the --executors path");
  }
  const items: Registrable[] = [];
  const visit = (x: unknown) => {
    if (Array.isArray(x)) x.forEach(visit);
    else if (typeof x === "object" && x !== null) {
      const k = (x as { kind?: unknown }).kind;
      if (k === "executor" || k === "combiner") items.push(x as Registrable);
      else if ((x as Registry).executors instanceof Map) {
        items.push(...(x as Registry).executors.values(), ...(x as Registry).combiners.values());
      }
    }
  };
  Object.values(mod).forEach(visit);
  const services = (mod.services ?? {}) as Record<string, ServiceClient>;
  return createRegistry(items, services);
};
