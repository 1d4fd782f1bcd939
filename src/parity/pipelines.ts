/**
 * Random but valid pipelines, for round-trip and parity properties: a
 * fast-check arbitrary of *recipes* (plain data, printable when a property
 * fails) and a builder that turns a recipe into a real DSL pipeline.
 *
 * The generated pipelines read one or two sources of a fixed event shape
 * (`Ev`) and an optional table (`Tb`) and cover every transform: filters and
 * maps from generated expressions, dispatch, dedupe, point-in-time lookup,
 * every window kind with lateness and triggers, every built-in combiner,
 * groupByKey, sequences and windowed joins.
 *
 * @module
 */
import * as t from "io-ts";
import fc from "fast-check";
import * as L from "../../dsl/index.ts";
import type { Pipeline } from "../plan/graph.ts";
import type { Expr as Ast } from "../expr/ast.ts";
import { ast } from "../expr/ast.ts";
import type { WindowFn } from "../window/types.ts";

/** The event shape generated pipelines read. */
export const Ev = t.type({ id: t.string, k: t.string, ts: t.number, x: t.number, s: t.string, tag: t.keyof({ a: null, b: null, c: null }) });
/** The table shape generated pipelines look up. */
export const Tb = t.type({ s: t.string, label: t.string, from: t.number });

/** Executors generated pipelines may dispatch to (pure, deterministic). */
export const recipeExecutors = {
  double: L.executor("double", 1, { normalize: (e: t.TypeOf<typeof Ev>) => ({ ...e, x: e.x * 2 }) }),
  positive: L.executor("positive", 1, { filter: (e: t.TypeOf<typeof Ev>) => e.x > 0 }),
  upper: L.executor("upper", 1, { featurize: (e: t.TypeOf<typeof Ev>) => ({ ...e, s: e.s.toUpperCase() }) }),
};

/** A stateless step before the key. */
export type PreStep =
  | { readonly kind: "filter"; readonly expr: Ast }
  | { readonly kind: "mapX"; readonly expr: Ast }
  | { readonly kind: "dispatch"; readonly branches: Readonly<Record<"a" | "b" | "c", "keep" | "drop" | keyof typeof recipeExecutors>> }
  | { readonly kind: "dedupe" }
  | { readonly kind: "lookup" };

/** The keyed part. */
export type Terminal =
  | { readonly kind: "combine"; readonly window: WindowFn | null; readonly lateness: number; readonly early: number | null; readonly late: boolean; readonly aggs: readonly string[] }
  | { readonly kind: "groupByKey"; readonly window: WindowFn | null; readonly lateness: number }
  | { readonly kind: "sequence"; readonly latest: number; readonly ttl: number | null }
  | { readonly kind: "join"; readonly window: WindowFn; readonly lateness: number; readonly joinKind: "inner" | "left" }
  | { readonly kind: "none" };

/** A generated pipeline, as data. */
export interface Recipe {
  readonly sourceKey: boolean;
  readonly pre: readonly PreStep[];
  readonly keyFields: readonly ("k" | "tag")[];
  readonly terminal: Terminal;
  /** Also sink the stream right after the pre steps (a DAG with two sinks). */
  readonly tap: boolean;
}

const num = fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constantFrom(0.5, -0.25, 1e3));
const fieldX: Ast = ast.field("x");
const fieldS: Ast = ast.field("s");

/** Numeric expressions over the event. */
const numExpr: fc.Arbitrary<Ast> = fc.letrec<{ e: Ast }>((tie) => ({
  e: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constant(fieldX),
    num.map((n) => ast.lit(n)),
    fc.tuple(fc.constantFrom("add", "sub", "mul") as fc.Arbitrary<"add" | "sub" | "mul">, tie("e"), tie("e")).map(([f, a, b]) => ast.call(f, a, b)),
    tie("e").map((a) => ast.call("abs", a)),
    fc.tuple(tie("e"), tie("e")).map(([a, b]) => ast.call("if", ast.call("gt", fieldX, ast.lit(0)), a, b)),
  ),
})).e;

/** Boolean expressions over the event. */
const boolExpr: fc.Arbitrary<Ast> = fc.oneof(
  fc.tuple(fc.constantFrom("lt", "lte", "gt", "gte", "eq", "neq") as fc.Arbitrary<"lt">, numExpr, numExpr).map(([f, a, b]) => ast.call(f, a, b)),
  fc.constantFrom("a", "b", "x").map((p) => ast.call("startsWith", ast.call("lower", fieldS), ast.lit(p))),
  fc.tuple(numExpr, numExpr).map(([a, b]) => ast.call("or", ast.call("gt", a, ast.lit(0)), ast.call("isNull", ast.call("div", b, ast.lit(0))))),
);

const windowFn: fc.Arbitrary<WindowFn> = fc.oneof(
  fc.constant<WindowFn>({ kind: "global" }),
  fc.integer({ min: 1, max: 20 }).map<WindowFn>((s) => ({ kind: "fixed", size: s * 1000, offset: 0 })),
  fc.tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 4 })).map<WindowFn>(([p, m]) => ({ kind: "sliding", size: p * m * 1000, period: p * 1000, offset: 0 })),
  fc.integer({ min: 1, max: 10 }).map<WindowFn>((g) => ({ kind: "session", gap: g * 1000 })),
);
const timedWindow = windowFn.filter((w) => w.kind !== "global");
const lateness = fc.constantFrom(0, 1000, 5000, 60_000);

const AGGS = ["count", "sum", "min", "max", "mean", "first", "last", "topK", "collect", "countDistinct"] as const;

const branch = fc.constantFrom<"keep" | "drop" | keyof typeof recipeExecutors>("keep", "keep", "drop", "double", "positive", "upper");

/** Recipes of valid pipelines. */
export const recipeArb: fc.Arbitrary<Recipe> = fc.record({
  sourceKey: fc.boolean(),
  pre: fc.array(
    fc.oneof(
      boolExpr.map<PreStep>((expr) => ({ kind: "filter", expr })),
      numExpr.map<PreStep>((expr) => ({ kind: "mapX", expr })),
      fc.record({ a: branch, b: branch, c: branch }).map<PreStep>((branches) => ({ kind: "dispatch", branches })),
      fc.constant<PreStep>({ kind: "dedupe" }),
      fc.constant<PreStep>({ kind: "lookup" }),
    ),
    { maxLength: 4 },
  ),
  keyFields: fc.constantFrom<("k" | "tag")[]>(["k"], ["k"], ["tag"], ["k", "tag"]),
  terminal: fc.oneof(
    fc.record({
      kind: fc.constant("combine" as const),
      window: fc.option(windowFn, { nil: null }),
      lateness,
      early: fc.option(fc.integer({ min: 1, max: 4 }), { nil: null }),
      late: fc.boolean(),
      aggs: fc.uniqueArray(fc.constantFrom(...AGGS), { minLength: 1, maxLength: 4 }),
    }),
    fc.record({ kind: fc.constant("groupByKey" as const), window: fc.option(windowFn, { nil: null }), lateness }),
    fc.record({ kind: fc.constant("sequence" as const), latest: fc.integer({ min: 1, max: 5 }), ttl: fc.option(fc.constantFrom(2000, 30_000), { nil: null }) }),
    fc.record({ kind: fc.constant("join" as const), window: timedWindow, lateness, joinKind: fc.constantFrom<"inner" | "left">("inner", "left") }),
    fc.constant({ kind: "none" as const }),
  ),
  tap: fc.boolean(),
});

const aggOf = (name: (typeof AGGS)[number]) => {
  switch (name) {
    case "count":
      return L.count();
    case "topK":
      return L.topK("x", 2);
    case "sum":
      return L.sum("x");
    case "min":
      return L.min("x");
    case "max":
      return L.max("x");
    case "mean":
      return L.mean("x");
    case "first":
      return L.first("s");
    case "last":
      return L.last("s");
    case "collect":
      return L.collect("x");
    case "countDistinct":
      return L.countDistinct("s");
  }
};

const windowStage = (w: WindowFn, late: number, trigger?: { early?: { every: number }; late?: boolean }) =>
  L.window(w, { allowedLateness: late, ...(trigger ? { trigger } : {}) }) as (s: any) => any;

/** Sources and tables a recipe's pipeline reads. */
export const inputsOfRecipe = (r: Recipe): { sources: string[]; tables: string[] } => ({
  sources: r.terminal.kind === "join" ? ["events", "others"] : ["events"],
  tables: r.pre.some((p) => p.kind === "lookup") ? ["labels"] : [],
});

/** Builds the pipeline a recipe describes. Dynamic by nature, so typed loosely. */
export const buildPipeline = (r: Recipe, name = "generated"): Pipeline =>
  L.pipeline(name, { version: 1 }, ({ source, table, sink }) => {
    const labels = r.pre.some((p) => p.kind === "lookup") ? table("labels", Tb, { key: "s", validFrom: "from" }) : undefined;
    const prefix = (src: string): any => {
      let s: any = source(src, Ev, r.sourceKey ? { key: "k" } : undefined);
      s = L.withTimestamps((e: any) => e.field("ts"))(s);
      for (const p of r.pre) {
        switch (p.kind) {
          case "filter":
            s = L.filter((_e: any) => new L.Expr<boolean>(p.expr))(s);
            break;
          case "mapX":
            s = L.map((e: any) => ({ id: e.field("id"), k: e.field("k"), ts: e.field("ts"), x: new L.Expr<number>(p.expr), s: e.field("s"), tag: e.field("tag") }))(s);
            break;
          case "dispatch": {
            const b = Object.fromEntries(Object.entries(p.branches).map(([k, v]) => [k, v === "keep" || v === "drop" ? v : recipeExecutors[v]]));
            s = (L.dispatch as any)("tag", b)(s);
            break;
          }
          case "dedupe":
            s = (L.dedupe as any)("id")(s);
            break;
          case "lookup":
            s = L.lookup(labels!, { on: "s", take: { label: "label" } })(s);
            break;
        }
      }
      return s;
    };
    const pre = prefix("events");
    const sinks: L.Sink[] = [];
    if (r.tap) sinks.push(sink("tap")(pre));
    const keyed = (L.keyBy as any)(r.keyFields)(pre);
    const term = r.terminal;
    switch (term.kind) {
      case "combine": {
        const trigger = { ...(term.early ? { early: { every: term.early } } : {}), late: term.late };
        const w = term.window ? windowStage(term.window, term.lateness, trigger)(keyed) : keyed;
        const aggs = Object.fromEntries(term.aggs.map((a) => [a, aggOf(a as (typeof AGGS)[number])]));
        sinks.push(sink("out")((L.combine as any)(aggs)(w)));
        break;
      }
      case "groupByKey": {
        const w = term.window ? windowStage(term.window, term.lateness)(keyed) : keyed;
        sinks.push(sink("out")((L.groupByKey as any)({ as: "values" })(w)));
        break;
      }
      case "sequence":
        sinks.push(sink("out")((L.sequence as any)({ latest: term.latest, id: "id", fields: ["x", "s", "ts"], ...(term.ttl ? { ttl: term.ttl } : {}) })(keyed)));
        break;
      case "join": {
        const left = windowStage(term.window, term.lateness)(keyed);
        const right = windowStage(term.window, term.lateness)((L.keyBy as any)(r.keyFields)(prefix("others")));
        sinks.push(sink("out")((L.join as any)(right, { kind: term.joinKind })(left)));
        break;
      }
      case "none":
        sinks.push(sink("out")(pre));
        break;
    }
    return sinks;
  });
