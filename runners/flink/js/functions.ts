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
 * - `ls_flat({ x, as, raw, over, cols })` → rows (`ls_js_flat`): the
 *   flatMap of expression `x` (plan JSON text) by the engine's own
 *   `flatMapValues` — each output as `{ raw, c }`, each dead letter as
 *   `{ dead: reason }` (an expression's run-time error too, §15);
 * - `ls_map({ x, raw, over, cols })` → `{ raw, c }` or `{ dead }`: a map
 *   whose object SQL cannot compute exactly, by the same compiler;
 * - `ls_expr({ x, raw, over })` → `{ t }` or `{ dead }`: a condition the SQL
 *   catalogue cannot say exactly, by the JavaScript compiler of `src/expr`
 *   (`t` is "1" when it is exactly true, §4).
 *
 * - `ls_combine({ spec, v })` → `{ raw }`: a combine's output row whose
 *   aggregates include a user combiner (§10) — `spec` (JSON text) names each
 *   member `[name, ref]` (`ref` null for a value SQL computed, `v[i]`), in
 *   the engine's order; a combiner's `v[i]` is the JSON text of its group's
 *   `[time, input]` pairs, which it takes by `create`, `add(acc, input, time)`
 *   and `extract` (the order of the pairs does not matter: the user
 *   guarantees it, §10; SQL gives them in (time, input JSON) order anyway).
 *
 * The element is `{ raw, over }`: the source record's canonical JSON (or
 * null once rebuilt) with the fields `over` set over it.
 *
 * @module
 */
import { canonicalJson } from "../../../src/core/canonical.ts";
import { isObject, setOwnField } from "../../../src/core/fields.ts";
import { executorFailureReason } from "../../../src/engine/ops/executors/failures.ts";
import { DROP, runHooks } from "../../../src/engine/ops/executors/hooks.ts";
import { flatMapValues, notAnArrayReason } from "../../../src/engine/ops/stateless.ts";
import type { Expr } from "../../../src/expr/ast.ts";
import { compileExpr } from "../../../src/expr/compile-js.ts";
import { ExpressionError } from "../../../src/expr/regex.ts";
import type { CustomCombiner, EnrichContext, Executor } from "../../../src/registry/executor.ts";
import type { RawRecord } from "../../../src/engine/raw-record.ts";
import { bytesOfBase64 } from "../../../src/io/base64.ts";
import { parseMessage } from "../../../src/io/jsonl.ts";
import type { SourceNode, TableNode } from "../../../src/plan/ir.ts";
import type { Decoder } from "../../../src/schema/decode.ts";
import { makeDecoder } from "../../../src/schema/decode.ts";
import { fromSchema } from "../../../src/schema/from-schema.ts";
import { columnProblem, columnValue } from "../column-value.ts";
import { edgeRow } from "../edge-row.ts";
import type { FieldColumn } from "../rel.ts";
import { sourceColumns } from "../steps/source.ts";
import { TOPIC_LINE_PARTITION } from "../steps/topic-source.ts";

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

type Cols = readonly [string, string, FieldColumn["kind"]][];

/** A typed column's value as the SQL side reads it: a number as its shortest text (Flink's JSON_VALUE … RETURNING DOUBLE fails on integral JSON numbers; SQL casts the text exactly), -0 kept; others as they are. */
const columnText = (x: unknown): unknown => (typeof x === "number" ? (Object.is(x, -0) ? "-0" : String(x)) : x);

/** An output row: its canonical JSON and its typed columns. */
const row = (out: Record<string, unknown>, cols: Cols): unknown => {
  const c: Record<string, unknown> = {};
  for (const [name, column, kind] of cols) {
    const x = columnValue(out, { name, kind });
    const problem = columnProblem({ name }, x);
    if (problem !== undefined) throw new Error(`${problem} (in ${canonicalJson(out).slice(0, 200)})`);
    c[column] = columnText(x);
  }
  return { raw: canonicalJson(out), c };
};

/** What `ls_exec` returns for an output: its row, or null when the filter dropped the element. */
const encode = (ref: string, out: unknown, cols: Cols): unknown => {
  if (out === DROP) return null;
  if (!isObject(out))
    throw new Error(`executor ${ref} returned ${canonicalJson(out ?? null).slice(0, 100)}, not an object: only objects are rows in the Flink slice`);
  return row(out, cols);
};

/** Expressions compiled once per plan JSON text (a job calls the same few on every row). */
const compiled = new Map<string, (row: unknown) => unknown>();
const exprOf = (x: string): ((row: unknown) => unknown) => {
  let f = compiled.get(x);
  if (f === undefined) compiled.set(x, (f = compileExpr(JSON.parse(x) as Expr)));
  return f;
};

/** `f()`, or the dead letter of an expression's run-time error (§15: the one error an expression raises). */
const orDead = <A>(f: () => A): A | { dead: string } => {
  try {
    return f();
  } catch (e) {
    if (e instanceof ExpressionError) return { dead: e.message };
    throw e;
  }
};

/**
 * A message as `ls_edge` takes it: the source's id, the partition, the offset, and the value — as
 * text `t` when its bytes are UTF-8 (decoded in Java, `ls_utf8`), else its bytes as base64 `b`;
 * neither for a message without a value.
 */
interface MessageArg {
  readonly s: string;
  readonly p: number;
  readonly o: number;
  readonly t: string | null;
  readonly b: string | null;
}

/**
 * The largest partition and offset a message may have: Flink orders a topic source's records by
 * `_line = partition · 2^40 + offset` (`steps/topic-source.ts`), which a double holds exactly below 2^53.
 */
const MAX_OFFSET = TOPIC_LINE_PARTITION;
const MAX_PARTITION = Number.MAX_SAFE_INTEGER / TOPIC_LINE_PARTITION;

/**
 * `ls_edge` for the sources and tables read from Kafka topics (`edges`, their plan nodes by id):
 * the one edge rule (`edge-row.ts`) on a message, judged as every runner judges a message
 * (`parseMessage`: a null value, bytes that are not UTF-8, a line that is not a JSON object).
 * Returns one row: `{ sk, raw, c }` (the typed columns by `columnText`, as `row` writes them), or
 * `{ dead: "1" }` for a refused record, whose dead letter Node makes from its value (collect.ts).
 */
const edgeFunction = (edges: Readonly<Record<string, SourceNode | TableNode>>) => {
  const decoders = new Map<string, { node: SourceNode | TableNode; fields: readonly FieldColumn[]; decode: Decoder }>();
  const of = (id: string) => {
    let d = decoders.get(id);
    if (d === undefined) {
      const node = edges[id];
      if (node === undefined) throw new Error(`the executor bundle has no topic source ${id}`);
      d = { node, fields: sourceColumns(node).fields, decode: makeDecoder(fromSchema(node.schema)) };
      decoders.set(id, d);
    }
    return d;
  };
  return (x: MessageArg): unknown[] => {
    const { node, fields, decode } = of(x.s);
    if (x.p >= MAX_PARTITION || x.o >= MAX_OFFSET)
      throw new Error(
        `${node.id}: the record at partition ${x.p}, offset ${x.o}: the Flink runner orders a topic's records by partition and offset: partitions below ${Math.ceil(MAX_PARTITION)} and offsets below 2^40`,
      );
    // A table topic's message without a value is a tombstone of the compacted topic, not a row (as the Kafka runner reads it).
    if (node.op === "table" && x.t === null && x.b === null) return [];
    const rec: RawRecord = { ...parseMessage(x.t, x.b === null ? undefined : bytesOfBase64(x.b), x.o), partition: x.p };
    const r = edgeRow(node, fields, rec, decode);
    // Node words the dead letter from the same bytes (collect.ts): JSON.parse's messages, which a
    // reason quotes, are GraalJS's here and V8's in every other runner. Which records are refused
    // does not depend on the engine (JSON's grammar, the codec).
    if (r.ok === false) return [{ dead: "1" }];
    if (r.ok === "unrepresentable")
      throw new Error(`${node.id}: the record at partition ${x.p}, offset ${x.o}: ${r.problem}; run it on the direct, arquero or kafka runner`);
    const c: Record<string, unknown> = {};
    for (const [column, v] of Object.entries(r.columns)) c[column] = columnText(v);
    return [{ sk: r.sk, raw: r.raw, c }];
  };
};

/** Installs the functions on `globalThis`, with the executors and combiners the bundle's modules define and the plan nodes of the sources read from topics. */
export const installFunctions = (
  executors: ReadonlyMap<string, Executor>,
  combiners: ReadonlyMap<string, CustomCombiner> = new Map(),
  edges: Readonly<Record<string, SourceNode | TableNode>> = {},
): void => {
  const g = globalThis as Record<string, unknown>;
  g.ls_edge = edgeFunction(edges);
  g.ls_combine = (x: { spec: string; v: readonly unknown[] }) => {
    const out: Record<string, unknown> = {};
    (JSON.parse(x.spec) as [string, string | null][]).forEach(([name, ref], i) => {
      if (ref === null) return setOwnField(out, name, x.v[i] ?? null);
      const c = combiners.get(ref);
      if (c === undefined) throw new Error(`the executor bundle has no combiner ${ref}`);
      let acc = c.create();
      for (const [t, input] of JSON.parse(x.v[i] as string) as [number, unknown][]) acc = c.add(acc, input, t);
      setOwnField(out, name, c.extract(acc) ?? null);
    });
    return { raw: canonicalJson(out) };
  };
  g.ls_canonical = (x: ElementArg) => ({ c: canonicalJson(elementOf(x)) });
  g.ls_exec = (x: ElementArg & { ref: string; cols: string; dl?: boolean }) => {
    const ex = executors.get(x.ref);
    if (ex === undefined) throw new Error(`the executor bundle has no executor ${x.ref}`);
    const cols = JSON.parse(x.cols) as [string, string, FieldColumn["kind"]][];
    // With --on-executor-error dead-letter (`dl`), a failure is this element's dead letter, worded as the engine words it.
    const dead = (err: unknown) => {
      if (!x.dl) throw err;
      return { dead: executorFailureReason(x.ref, err) };
    };
    let out: ReturnType<typeof runHooks>;
    try {
      out = runHooks(ex, elementOf(x), NO_SERVICES);
    } catch (err) {
      return dead(err);
    }
    return out instanceof Promise ? out.then((o) => encode(x.ref, o, cols), dead) : encode(x.ref, out, cols);
  };
  g.ls_flat = (x: ElementArg & { x: string; as: string | null; cols: string }) => {
    const cols = JSON.parse(x.cols) as Cols;
    let items: unknown;
    try {
      items = exprOf(x.x)(elementOf(x));
    } catch (e) {
      if (e instanceof ExpressionError) return [{ dead: e.message }];
      throw e;
    }
    // The engine's rule (§4): null yields nothing, a non-array is a dead letter, then each item.
    if (items === null) return [];
    if (!Array.isArray(items)) return [{ dead: notAnArrayReason(items) }];
    const dead: { dead: string }[] = [];
    const values = flatMapValues(items, x.as ?? undefined, (reason) => void dead.push({ dead: reason }));
    return [
      ...dead,
      ...values.map((v) => {
        if (!isObject(v)) throw new Error(`internal: flatMap gave a non-object ${canonicalJson(v).slice(0, 40)}`);
        return row(v, cols);
      }),
    ];
  };
  g.ls_map = (x: ElementArg & { x: string; cols: string }) => {
    const cols = JSON.parse(x.cols) as Cols;
    return orDead(() => {
      const v = exprOf(x.x)(elementOf(x));
      if (!isObject(v)) throw new Error(`internal: a map gave a non-object ${canonicalJson(v ?? null).slice(0, 40)}`);
      return row(v, cols);
    });
  };
  g.ls_expr = (x: ElementArg & { x: string }) => orDead(() => ({ t: exprOf(x.x)(elementOf(x)) === true ? "1" : "0" }));
};

/** The combiners of a bundled module: the default pipeline's (`ofPipeline`, as for {@link executorsOf}) and every exported combiner. */
export const combinersOf = (mod: Readonly<Record<string, unknown>>, ofPipeline: (p: unknown) => Iterable<CustomCombiner>): Map<string, CustomCombiner> => {
  const out = new Map<string, CustomCombiner>();
  for (const x of Object.values(mod)) {
    const kind = typeof x === "object" && x !== null ? (x as { kind?: unknown }).kind : undefined;
    if (kind === "combiner") out.set((x as CustomCombiner).ref, x as CustomCombiner);
    else if (kind === "pipeline") for (const c of ofPipeline(x)) out.set(c.ref, c);
  }
  return out;
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
