/**
 * The io-ts codec of the plan JSON, with errors that name the JSON path,
 * what was expected, what was found and the fix.
 *
 * Nodes are decoded by their `op` first, so an error speaks about the node
 * kind it is in rather than listing every alternative of a union.
 *
 * @module
 */
import * as t from "io-ts";
import { isLeft } from "fp-ts/lib/Either.js";
import { MAX_DEPTH, deepPathOf, showDeepPath } from "../core/depth.ts";
import { DefinitionError } from "../core/errors.ts";
import { ExprCodec } from "../expr/codec.ts";
import { SchemaJsonCodec } from "../schema/json-schema.ts";
import { PLAN_FORMAT } from "./ir.ts";
import { EXECUTOR_HOOKS, type ExecutorHook } from "../registry/executor.ts";
import type { Op, Plan, PlanNode } from "./ir.ts";
import { ServeSpecCodec } from "./serve.ts";

const Name = t.string;
const Ms = t.refinement(t.number, (n) => Number.isFinite(n) && n >= 0, "a duration in ms (a number ≥ 0)");
const Count = t.refinement(t.number, (n) => Number.isInteger(n) && n >= 1, "a whole number ≥ 1");
const Names = t.readonlyArray(t.string);
const Pairs = <C extends t.Mixed>(c: C) => t.readonlyArray(t.tuple([t.string, c]));

const WindowFnCodec = t.union([
  t.strict({ kind: t.literal("global") }),
  t.strict({ kind: t.literal("fixed"), size: Ms, offset: Ms }),
  t.strict({ kind: t.literal("sliding"), size: Ms, period: Ms, offset: Ms }),
  t.strict({ kind: t.literal("session"), gap: Ms }),
]);

const AggCodec = t.union([
  t.strict({ fn: t.literal("count") }),
  t.strict({ fn: t.keyof({ sum: null, min: null, max: null, mean: null, first: null, last: null, collect: null, countDistinct: null }), input: ExprCodec }),
  t.strict({ fn: t.literal("topK"), input: ExprCodec, k: Count }),
  t.strict({ fn: t.literal("custom"), combiner: t.string, input: ExprCodec }),
]);

const base = { id: Name };
const withOpt = <R extends t.Props, O extends t.Props>(required: R, optional: O) => t.exact(t.intersection([t.type(required), t.partial(optional)]));

/** The codec of each node kind (all strict: unknown fields are errors, catching typos). */
export const NODE_CODECS: Record<Op, t.Mixed> = {
  source: t.strict({ ...base, op: t.literal("source"), schema: SchemaJsonCodec, key: Names }),
  table: t.strict({ ...base, op: t.literal("table"), schema: SchemaJsonCodec, key: t.string, validFrom: t.string }),
  map: t.strict({ ...base, op: t.literal("map"), input: Name, expr: ExprCodec }),
  filter: t.strict({ ...base, op: t.literal("filter"), input: Name, expr: ExprCodec }),
  flatMap: withOpt({ ...base, op: t.literal("flatMap"), input: Name, expr: ExprCodec }, { as: t.string }),
  withTimestamps: t.strict({ ...base, op: t.literal("withTimestamps"), input: Name, expr: ExprCodec }),
  keyBy: t.strict({ ...base, op: t.literal("keyBy"), input: Name, fields: Names }),
  dispatch: t.strict({
    ...base,
    op: t.literal("dispatch"),
    input: Name,
    field: t.string,
    branches: t.record(t.string, t.string),
    otherwise: t.keyof({ keep: null, drop: null, deadLetter: null }),
  }),
  apply: t.strict({ ...base, op: t.literal("apply"), input: Name, executor: t.string }),
  window: t.strict({
    ...base,
    op: t.literal("window"),
    input: Name,
    window: WindowFnCodec,
    allowedLateness: Ms,
    trigger: withOpt({ late: t.boolean }, { early: t.strict({ every: Count }) }),
  }),
  combine: t.strict({ ...base, op: t.literal("combine"), input: Name, aggs: Pairs(AggCodec) }),
  join: t.strict({ ...base, op: t.literal("join"), left: Name, right: Name, kind: t.keyof({ inner: null, left: null }), as: t.tuple([t.string, t.string]) }),
  lookup: t.strict({ ...base, op: t.literal("lookup"), input: Name, table: Name, on: t.string, take: Pairs(t.string) }),
  sequence: withOpt({ ...base, op: t.literal("sequence"), input: Name, latest: Count, idField: t.string, fields: Names, as: t.string }, { ttl: Ms }),
  dedupe: withOpt({ ...base, op: t.literal("dedupe"), input: Name, by: Names }, { ttl: Ms }),
  flatten: t.strict({ ...base, op: t.literal("flatten"), inputs: Names }),
  sink: withOpt({ ...base, op: t.literal("sink"), input: Name }, { serve: ServeSpecCodec }),
};

const ServicePolicyCodec = t.strict({ timeoutMs: Ms, retries: t.number, backoffMs: Ms, concurrency: Count, cacheSize: t.number });

const HookCodec = t.keyof(Object.fromEntries(EXECUTOR_HOOKS.map((h) => [h, null])) as Record<ExecutorHook, null>);

const HeaderCodec = t.intersection([
  t.strict({
    format: t.string,
    name: t.string,
    version: t.number,
    hash: t.string,
    params: t.record(t.string, t.string),
    services: t.record(t.string, ServicePolicyCodec),
    executors: t.readonlyArray(t.string),
    nodes: t.readonlyArray(t.UnknownRecord),
  }),
  t.partial({ executorHooks: t.record(t.string, t.readonlyArray(HookCodec)) }),
]);

const show = (v: unknown): string => {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? s.slice(0, 57) + "..." : s;
};

// Only these append an index of their own to the context; the others validate in their parent's place.
const SKIP_TAGS = new Set(["IntersectionType", "UnionType"]);

type Tagged = t.Decoder<unknown, unknown> & { _tag?: string; type?: Tagged; runDefinition?: () => Tagged };

/** The codec that appends context entries for `c`: exact, refinement and recursive codecs validate through their inner codec. */
const unwrap = (c: t.Decoder<unknown, unknown>): Tagged => {
  let x = c as Tagged;
  for (let i = 0; i < 8; i++) {
    if ((x._tag === "ExactType" || x._tag === "RefinementType" || x._tag === "ReadonlyType") && x.type) x = x.type;
    else if (x._tag === "RecursiveType" && x.runDefinition) x = x.runDefinition();
    else break;
  }
  return x;
};

/** The JSON path of an io-ts error context, below `root`. */
export const pathOf = (root: string, context: t.Context): string => {
  let path = root;
  for (let i = 1; i < context.length; i++) {
    if (SKIP_TAGS.has(unwrap(context[i - 1]!.type)._tag ?? "")) continue;
    const key = context[i]!.key;
    path += /^\d+$/.test(key) ? `[${key}]` : path === "" ? key : `.${key}`;
  }
  return path || "(root)";
};

/** Turns io-ts errors into definition errors (one per distinct path). */
export const reportErrors = (root: string, errors: t.Errors): DefinitionError[] => {
  const out = new Map<string, DefinitionError>();
  for (const e of errors) {
    const path = pathOf(root, e.context);
    if (out.has(path)) continue;
    const last = e.context[e.context.length - 1];
    const expected = last?.type.name ?? "a valid value";
    if (e.message) {
      const at = e.message.lastIndexOf(". Fix: ");
      out.set(
        path,
        at >= 0 ? new DefinitionError(path, e.message.slice(0, at), e.message.slice(at + 7)) : new DefinitionError(path, e.message, "correct the value"),
      );
    } else if (e.value === undefined) out.set(path, new DefinitionError(path, `missing (expected ${expected})`, `add "${last?.key}"`));
    else out.set(path, new DefinitionError(path, `expected ${expected}, found ${show(e.value)}`, `set it to ${expected}`));
  }
  // Strict codecs report unknown keys as a whole-object failure; name them.
  return [...out.values()];
};

const unknownKeys = (obj: Record<string, unknown>, codec: t.Mixed): string[] => {
  const props = collectProps(codec);
  return props ? Object.keys(obj).filter((k) => !props.has(k)) : [];
};

const collectProps = (codec: t.Mixed): Set<string> | undefined => {
  const c = codec as t.Mixed & { _tag?: string; props?: t.Props; type?: t.Mixed; types?: t.Mixed[] };
  if (c._tag === "InterfaceType" || c._tag === "PartialType") return new Set(Object.keys(c.props!));
  if (c._tag === "ExactType") return collectProps(c.type!);
  if (c._tag === "IntersectionType") {
    const all = new Set<string>();
    for (const m of c.types!) for (const k of collectProps(m) ?? []) all.add(k);
    return all;
  }
  return undefined;
};

/** `root.k`, or `root["k"]` when `k` is not a plain name (e.g. empty), so a path is never empty. */
const keyPath = (root: string, k: string): string => (/^[A-Za-z_$][\w$]*$/.test(k) ? (root === "" ? k : `${root}.${k}`) : `${root}[${JSON.stringify(k)}]`);

/**
 * The error for a plan (or part of one, at `root`) nested deeper than
 * MAX_DEPTH levels, or undefined. Iterative, so safe on any input.
 */
export const depthError = (json: unknown, root: string): DefinitionError | undefined => {
  const deep = deepPathOf(json, MAX_DEPTH);
  if (deep === undefined) return undefined;
  const path = deep.path;
  if (deep.cycle)
    return new DefinitionError(
      showDeepPath(root, path.slice(0, 3)) || "(root)",
      `contains itself (a cycle, at ${showDeepPath(root, path)})`,
      "build the definition as a tree of plain JSON values",
    );
  const shown = showDeepPath(root, path);
  // The path names the node and field (nodes[3].expr); the full position follows in the problem.
  const where = showDeepPath(root, path.slice(0, root === "" ? 3 : 0)) || "(root)";
  return new DefinitionError(
    where,
    `nested deeper than ${MAX_DEPTH} levels of arrays and objects (at ${shown}), the limit for a definition (docs/semantics.md §1)`,
    "build the value with less nesting: split a deep expression across several map stages, or use n-ary calls (and, or, coalesce, concat) instead of chains of two-argument ones",
  );
};

/**
 * Decodes plan JSON. Returns the plan or every problem found, each with its
 * JSON path. Unknown fields are reported too (they are usually typos).
 */
export const decodePlan = (json: unknown): { ok: true; plan: Plan } | { ok: false; errors: DefinitionError[] } => {
  const errors: DefinitionError[] = [];
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    return { ok: false, errors: [new DefinitionError("(root)", `expected a plan object, found ${show(json)}`, "pass the JSON written by `lockstep compile`")] };
  }
  // First, before anything recursive reads it: a definition nested too deep would overflow the stack.
  const tooDeep = depthError(json, "");
  if (tooDeep) return { ok: false, errors: [tooDeep] };
  const header = HeaderCodec.decode(json);
  if (isLeft(header)) errors.push(...reportErrors("", header.left));
  for (const k of unknownKeys(json as Record<string, unknown>, HeaderCodec)) {
    errors.push(
      new DefinitionError(keyPath("", k), "is not a plan field", `remove ${JSON.stringify(k)} (plan fields: ${[...collectProps(HeaderCodec)!].join(", ")})`),
    );
  }
  const format = (json as { format?: unknown }).format;
  if (typeof format === "string" && format !== PLAN_FORMAT) {
    errors.push(
      new DefinitionError("format", `this lockstep reads "${PLAN_FORMAT}", found "${format}"`, "recompile the definition with this version of lockstep"),
    );
  }
  const nodes = (json as { nodes?: unknown }).nodes;
  if (Array.isArray(nodes)) {
    nodes.forEach((node: unknown, i) => {
      const at = `nodes[${i}]`;
      if (typeof node !== "object" || node === null) return;
      const op = (node as { op?: unknown }).op;
      // Own keys only: "constructor" or "toString" would find Object.prototype's members.
      if (typeof op !== "string" || !Object.hasOwn(NODE_CODECS, op)) {
        errors.push(new DefinitionError(`${at}.op`, `unknown op ${show(op)}`, `use one of: ${Object.keys(NODE_CODECS).join(", ")}`));
        return;
      }
      const codec = NODE_CODECS[op as Op];
      const r = codec.decode(node);
      if (isLeft(r)) errors.push(...reportErrors(at, r.left));
      for (const k of unknownKeys(node as Record<string, unknown>, codec)) {
        errors.push(new DefinitionError(keyPath(at, k), `is not a field of a ${op} node`, `remove it (fields: ${[...collectProps(codec)!].join(", ")})`));
      }
    });
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, plan: json as Plan };
};

export type { PlanNode };
