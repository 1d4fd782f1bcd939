/**
 * The functions of the JavaScript bundle a Flink job runs in GraalJS
 * (`ls_js(bundle, sha256, fn, json)`, runners/flink/graaljs): lockstep's own
 * code from `src/`, so Flink applies the same rules as every runner —
 *
 * - `ls_canonical({ raw, over })` → `{ c }`: the element's canonical JSON
 *   (§1), where SQL cannot print it (Flink prints numbers as Java does);
 * - `ls_exec({ ref, raw, over, cols })` → `{ raw, c }` or null: the
 *   executor `ref` run by the engine's own `runHooks` (§5: hook order,
 *   filter, async hooks), its output as canonical JSON and as the typed
 *   columns `cols` (`[[name, column, kind], …]`, JSON text) by the edge's
 *   column rule (numbers as text, which SQL casts exactly); null when its
 *   filter dropped the element.
 *
 * The element is `{ raw, over }`: the source record's canonical JSON (or
 * null once rebuilt) with the fields `over` set over it.
 *
 * @module
 */
import { canonicalJson } from "../../../src/core/canonical.ts";
import { isObject, setOwnField } from "../../../src/core/fields.ts";
import { DROP, runHooks } from "../../../src/engine/ops/executors/hooks.ts";
import type { EnrichContext, Executor } from "../../../src/registry/executor.ts";
import { columnValue } from "../column-value.ts";
import type { FieldColumn } from "../rel.ts";

/** An element as the SQL side passes it. */
interface ElementArg {
  readonly raw: string | null;
  readonly over: Readonly<Record<string, unknown>>;
}

/** The element an {@link ElementArg} stands for. */
const elementOf = (x: ElementArg): Record<string, unknown> => {
  const v = (x.raw === null ? {} : JSON.parse(x.raw)) as Record<string, unknown>;
  for (const [k, val] of Object.entries(x.over)) setOwnField(v, k, val);
  return v;
};

/** No services in the Flink slice: the runner refuses executors that declare any, so this is never reached. */
const NO_SERVICES: EnrichContext = {
  call: (service) => Promise.reject(new Error(`service "${service}": executors that call services are not in the Flink slice`)),
};

/** What `ls_exec` returns for an output: its canonical JSON and its typed columns. */
const encode = (ref: string, out: unknown, cols: readonly [string, string, FieldColumn["kind"]][]): unknown => {
  if (out === DROP) return null;
  if (!isObject(out))
    throw new Error(`executor ${ref} returned ${canonicalJson(out ?? null).slice(0, 100)}, not an object: only objects are rows in the Flink slice`);
  const c: Record<string, unknown> = {};
  for (const [name, column, kind] of cols) {
    const x = columnValue(out, { name, kind });
    // Numbers as their shortest text (Flink's JSON_VALUE … RETURNING DOUBLE fails on integral JSON numbers); -0 stays -0.
    c[column] = typeof x === "number" ? (Object.is(x, -0) ? "-0" : String(x)) : x;
  }
  return { raw: canonicalJson(out), c };
};

/** Installs the functions on `globalThis`, with the executors the bundle's modules define. */
export const installFunctions = (executors: ReadonlyMap<string, Executor>): void => {
  const g = globalThis as Record<string, unknown>;
  g.ls_canonical = (x: ElementArg) => ({ c: canonicalJson(elementOf(x)) });
  g.ls_exec = (x: ElementArg & { ref: string; cols: string }) => {
    const ex = executors.get(x.ref);
    if (ex === undefined) throw new Error(`the executor bundle has no executor ${x.ref}`);
    const cols = JSON.parse(x.cols) as [string, string, FieldColumn["kind"]][];
    const out = runHooks(ex, elementOf(x), NO_SERVICES);
    return out instanceof Promise ? out.then((o) => encode(x.ref, o, cols)) : encode(x.ref, out, cols);
  };
};

/** The executors of a bundled module: the default pipeline's (`registryOf` is passed in: it needs the params) and every exported executor, also inside exported arrays and objects. */
export const executorsOf = (mod: Readonly<Record<string, unknown>>, ofPipeline: (p: unknown) => Iterable<Executor>): Map<string, Executor> => {
  const out = new Map<string, Executor>();
  const visit = (x: unknown, depth: number): void => {
    if (Array.isArray(x)) for (const y of x) visit(y, depth);
    else if (typeof x === "object" && x !== null) {
      const kind = (x as { kind?: unknown }).kind;
      if (kind === "executor") out.set((x as Executor).ref, x as Executor);
      else if (kind === "pipeline") for (const ex of ofPipeline(x)) out.set(ex.ref, ex);
      else if (depth === 0) for (const y of Object.values(x)) visit(y, 1);
    }
  };
  for (const v of Object.values(mod)) visit(v, 0);
  return out;
};
