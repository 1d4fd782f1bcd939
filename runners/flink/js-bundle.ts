/**
 * The JavaScript bundle a Flink job runs in GraalJS: lockstep's functions
 * (`js/functions.ts`) and the executors of the definition's modules (the
 * pipeline module, an `--executors` module), bundled by esbuild into one
 * script and pinned by its SHA-256 — `ls_js` checks the file against the pin
 * before running any of it, so a job runs only the code its run built.
 *
 * GraalJS has no Node: `node:*` imports of the bundled modules (e.g. the
 * plan hash's `node:crypto`) become stubs, and timers functions, that throw
 * when called; the executor path never calls them (§5: executors do no IO).
 *
 * @module
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Plugin } from "esbuild";
import type { SourceNode, TableNode } from "../../src/plan/ir.ts";

const HERE = dirname(fileURLToPath(import.meta.url));

/** A built bundle: where it is and its pin. */
export interface JsBundle {
  readonly path: string;
  readonly sha256: string;
}

/** A source file next to this one, `.ts` in the repository and `.js` once built. */
const sibling = (rel: string): string => {
  const ts = join(HERE, `${rel}.ts`);
  return existsSync(ts) ? ts : join(HERE, `${rel}.js`);
};

/** The stub of a Node built-in: any use throws, naming it. */
const stubNode: Plugin = {
  name: "lockstep-stub-node",
  setup(b) {
    b.onResolve({ filter: /^node:|^(fs|path|os|crypto|url|events|stream|util|child_process|worker_threads)$/ }, (a) => ({
      path: a.path,
      namespace: "lockstep-node-stub",
    }));
    b.onLoad({ filter: /.*/, namespace: "lockstep-node-stub" }, (a) => ({
      contents: `module.exports = new Proxy({}, { get: (_, k) => k === "__esModule" ? false : () => { throw new Error(${JSON.stringify(a.path)} + "." + String(k) + " is not available to executors in Flink"); } });`,
      loader: "js",
    }));
  },
};

/**
 * Host globals GraalJS lacks, defined before any bundled module runs: modules that keep a
 * reference at load (e.g. fast-check's `setTimeout`) load, and a call throws, naming it — executors
 * do no IO and set no timers (§5).
 */
const BANNER = ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "setImmediate", "clearImmediate"]
  .map((g) => `if (typeof globalThis.${g} !== "function") globalThis.${g} = function () { throw new Error("${g} is not available to executors in Flink"); };`)
  .concat(['if (typeof globalThis.queueMicrotask !== "function") globalThis.queueMicrotask = (f) => void Promise.resolve().then(f);'])
  .join("\n");

/**
 * Bundles lockstep's functions, the executors of `modules` (with `params`, the pipeline's
 * parameters) and the plan nodes of the sources read from Kafka topics (`edges`, for `ls_edge`)
 * into `<dir>/functions.js`, and returns its path and SHA-256.
 */
export const buildJsBundle = async (
  dir: string,
  modules: readonly string[],
  params: Readonly<Record<string, string>> = {},
  edges: Readonly<Record<string, SourceNode | TableNode>> = {},
): Promise<JsBundle> => {
  const { build } = await import("esbuild");
  await mkdir(dir, { recursive: true });
  const entry = join(dir, "functions-entry.ts");
  const out = join(dir, "functions.js");
  const lines = [
    `import { combinersOf, executorsOf, installFunctions } from ${JSON.stringify(sibling("js/functions"))};`,
    `import { registryOf } from ${JSON.stringify(join(HERE, "..", "..", "src", "plan", existsSync(join(HERE, "..", "..", "src", "plan", "compile.ts")) ? "compile.ts" : "compile.js"))};`,
    ...modules.map((m, i) => `import * as m${i} from ${JSON.stringify(resolve(m))};`),
    `const params = ${JSON.stringify(params)};`,
    "const executors = new Map();",
    "const combiners = new Map();",
    ...modules.map((_, i) => `for (const [ref, ex] of executorsOf(m${i}, (p) => registryOf(p, params).executors.values())) executors.set(ref, ex);`),
    ...modules.map((_, i) => `for (const [ref, c] of combinersOf(m${i}, (p) => registryOf(p, params).combiners.values())) combiners.set(ref, c);`),
    // The sources read from Kafka topics: their edge runs in Flink (`ls_edge`), by their plan nodes.
    `const edges = ${JSON.stringify(edges)};`,
    "installFunctions(executors, combiners, edges);",
  ];
  await writeFile(entry, `${lines.join("\n")}\n`);
  const dsl = join(HERE, "..", "..", "dsl", existsSync(join(HERE, "..", "..", "dsl", "index.ts")) ? "index.ts" : "index.js");
  await build({
    entryPoints: [entry],
    bundle: true,
    format: "iife",
    platform: "neutral",
    mainFields: ["module", "main"],
    outfile: out,
    alias: { lockstep: dsl },
    plugins: [stubNode],
    banner: { js: BANNER },
    logLevel: "silent",
  });
  const sha256 = createHash("sha256")
    .update(await readFile(out))
    .digest("hex");
  return { path: out, sha256 };
};
