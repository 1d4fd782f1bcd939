/**
 * Imports a user's module — a pipeline or an executors file — by path.
 *
 * lockstep itself is plain JavaScript; only the user's own `.ts` files need
 * compiling. Rather than registering a global TypeScript loader (which puts
 * every later import of the process behind loader hooks, and which makes a
 * `.ts` file in a `"type": "commonjs"` folder a CommonJS module that cannot
 * import lockstep's ESM), the file and the local files it imports are bundled
 * by esbuild into one ES module, written beside the original so that its
 * imports of packages resolve from the same `node_modules`, imported, and
 * removed. Packages stay external: the user's `lockstep` is the one running.
 *
 * @module
 */
import { randomUUID } from "node:crypto";
import { rm, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const TYPESCRIPT = /\.[mc]?ts$/;

/**
 * When this file is itself TypeScript (the repository's tests and dev
 * scripts), a loader is already there and a `.ts` module is imported as is.
 */
const underTypeScriptLoader = import.meta.url.endsWith(".ts");

/** Imports the module at `path` (relative to the working directory). */
export const importModule = async (path: string): Promise<Record<string, unknown>> => {
  const file = resolve(path);
  if (!TYPESCRIPT.test(file) || underTypeScriptLoader) return import(pathToFileURL(file).href);
  const { build } = await import("esbuild");
  const out = await build({
    entryPoints: [file],
    bundle: true,
    packages: "external",
    format: "esm",
    platform: "node",
    target: "node20",
    write: false,
    sourcemap: "inline",
    sourcesContent: false,
    logLevel: "silent",
  });
  process.setSourceMapsEnabled(true);
  const compiled = join(dirname(file), `.${basename(file)}.${randomUUID().slice(0, 8)}.lockstep.mjs`);
  await writeFile(compiled, out.outputFiles[0]!.contents);
  try {
    return (await import(pathToFileURL(compiled).href)) as Record<string, unknown>;
  } finally {
    await rm(compiled, { force: true });
  }
};
