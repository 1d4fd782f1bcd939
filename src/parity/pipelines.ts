/**
 * Random but valid pipelines, for round-trip and parity properties: a
 * fast-check arbitrary of *recipes* (plain data, printable when a property
 * fails) and a builder that turns a recipe into a real DSL pipeline.
 *
 * The generated pipelines read one or two sources of a fixed event shape
 * (`Ev`) and an optional table (`Tb`) and cover every transform: filters and
 * maps from generated expressions, dispatch, dedupe, point-in-time lookup,
 * every window kind (with offsets) with lateness and triggers, every
 * built-in combiner and a user combiner, groupByKey, sequences and windowed
 * joins, flatMap, apply, flatten of two sources, two-level aggregation (a
 * keyed aggregate reading a global one) and stateless stages after an
 * aggregate (a filter there sees the final value, §11).
 *
 * {@link recipeHistoryModel} describes the inputs every recipe reads, so
 * `historyArb(recipeHistoryModel)` gives histories for any recipe (pipelines
 * and histories shrink independently).
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
import { toSchema } from "../schema/to-schema.ts";
import type { HistoryModel } from "./model.ts";

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

/** A user combiner generated pipelines aggregate with: how many inputs are positive numbers (associative, commutative). */
export const countPositive = L.combiner("countPositive", 1, {
  create: () => 0,
  add: (acc: number, x: unknown) => acc + (typeof x === "number" && x > 0 ? 1 : 0),
  merge: (a: number, b: number) => a + b,
  extract: (acc: number) => acc,
});

/** A stateless step before the key. */
export type PreStep =
  | { readonly kind: "filter"; readonly expr: Ast }
  | { readonly kind: "mapX"; readonly expr: Ast }
  /** Branches for some tags; the others go where `otherwise` says (default: dead letters). */
  | {
      readonly kind: "dispatch";
      readonly branches: Readonly<Partial<Record<"a" | "b" | "c", "keep" | "drop" | keyof typeof recipeExecutors>>>;
      readonly otherwise?: "keep" | "drop" | "deadLetter";
    }
  | { readonly kind: "dedupe"; readonly ttl?: number }
  | { readonly kind: "lookup" }
  | { readonly kind: "apply"; readonly executor: keyof typeof recipeExecutors }
  /** Each element becomes two: itself and a copy with `x + 1` (flatMap, then a map back to the event shape). */
  | { readonly kind: "flatMap" };

/** A stateless step after the terminal (on its output rows). */
export type PostStep = { readonly kind: "filterKey"; readonly value: string } | { readonly kind: "filterValue" } | { readonly kind: "tagRows" };

/** The keyed part. */
export type Terminal =
  | {
      readonly kind: "combine";
      readonly window: WindowFn | null;
      readonly lateness: number;
      readonly early: number | null;
      readonly late: boolean;
      readonly aggs: readonly string[];
    }
  | { readonly kind: "groupByKey"; readonly window: WindowFn | null; readonly lateness: number }
  | { readonly kind: "sequence"; readonly latest: number; readonly ttl: number | null }
  | { readonly kind: "join"; readonly window: WindowFn; readonly lateness: number; readonly joinKind: "inner" | "left" }
  /** Two-level aggregation: count and sum per key over the whole input, then per first key field. */
  | { readonly kind: "chain" }
  | { readonly kind: "none" };

/** A generated pipeline, as data. */
export interface Recipe {
  readonly sourceKey: boolean;
  readonly pre: readonly PreStep[];
  readonly keyFields: readonly ("k" | "tag")[];
  readonly terminal: Terminal;
  /** Also sink the stream right after the pre steps (a DAG with two sinks). */
  readonly tap: boolean;
  /** Read a second source ("others") and flatten it with the first before keying (not with join). */
  readonly union?: boolean;
  /** A stateless step on the terminal's output. */
  readonly post?: PostStep | null;
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

const windowOffset = fc.oneof({ withCrossShrink: true }, { arbitrary: fc.constant(0), weight: 3 }, { arbitrary: fc.constantFrom(1, 500, 999), weight: 1 });
const windowFn: fc.Arbitrary<WindowFn> = fc.oneof(
  { withCrossShrink: true },
  fc.constant<WindowFn>({ kind: "global" }),
  fc.tuple(fc.integer({ min: 1, max: 20 }), windowOffset).map<WindowFn>(([s, o]) => ({ kind: "fixed", size: s * 1000, offset: o })),
  fc
    .tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 4 }), windowOffset)
    .map<WindowFn>(([p, m, o]) => ({ kind: "sliding", size: p * m * 1000, period: p * 1000, offset: o })),
  fc.integer({ min: 1, max: 10 }).map<WindowFn>((g) => ({ kind: "session", gap: g * 1000 })),
);
const timedWindow = windowFn.filter((w) => w.kind !== "global");
const lateness = fc.constantFrom(0, 1000, 5000, 60_000);

const AGGS = ["count", "sum", "min", "max", "mean", "first", "last", "topK", "collect", "countDistinct", "countPositive"] as const;

const branch = fc.constantFrom<"keep" | "drop" | keyof typeof recipeExecutors>("keep", "keep", "drop", "double", "positive", "upper");

/** Recipes of valid pipelines. */
export const recipeArb: fc.Arbitrary<Recipe> = fc.record({
  sourceKey: fc.boolean(),
  pre: fc.array(
    fc.oneof(
      boolExpr.map<PreStep>((expr) => ({ kind: "filter", expr })),
      numExpr.map<PreStep>((expr) => ({ kind: "mapX", expr })),
      fc.record({ a: branch, b: branch, c: branch }).map<PreStep>((branches) => ({ kind: "dispatch", branches })),
      fc
        .tuple(
          fc.record({ a: branch, b: branch, c: branch }, { requiredKeys: [] }),
          fc.constantFrom<"keep" | "drop" | "deadLetter">("keep", "drop", "deadLetter"),
        )
        .filter(([b]) => Object.keys(b).length > 0)
        .map<PreStep>(([branches, otherwise]) => ({ kind: "dispatch", branches, otherwise })),
      fc.constant<PreStep>({ kind: "dedupe" }),
      fc.constantFrom(2000, 30_000).map<PreStep>((ttl) => ({ kind: "dedupe", ttl })),
      fc.constant<PreStep>({ kind: "lookup" }),
      fc.constantFrom<keyof typeof recipeExecutors>("double", "positive", "upper").map<PreStep>((executor) => ({ kind: "apply", executor })),
      fc.constant<PreStep>({ kind: "flatMap" }),
    ),
    { maxLength: 4 },
  ),
  keyFields: fc.constantFrom<("k" | "tag")[]>(["k"], ["k"], ["tag"], ["k", "tag"]),
  terminal: fc.oneof(
    { withCrossShrink: true },
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
    fc.constant({ kind: "chain" as const }),
    fc.constant({ kind: "none" as const }),
  ),
  tap: fc.boolean(),
  union: fc.oneof({ withCrossShrink: true }, { arbitrary: fc.constant(false), weight: 3 }, { arbitrary: fc.constant(true), weight: 1 }),
  post: fc.oneof(
    { withCrossShrink: true },
    { arbitrary: fc.constant(null), weight: 3 },
    { arbitrary: fc.constantFrom("a", "b", "é").map<PostStep>((value) => ({ kind: "filterKey", value })), weight: 1 },
    { arbitrary: fc.constant<PostStep>({ kind: "filterValue" }), weight: 1 },
    { arbitrary: fc.constant<PostStep>({ kind: "tagRows" }), weight: 1 },
  ),
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
    case "countPositive":
      return L.aggregate(countPositive, "x");
  }
};

/**
 * Generated pipelines are assembled from recipes drawn at run time, so the
 * DSL's static types (which follow each stage's element type) cannot follow
 * them: stages are composed untyped here, and the plan validator checks the
 * result as it checks any JSON definition.
 */
// biome-ignore lint/suspicious/noExplicitAny: see above — the one untyped corner of the shipped code
type Untyped = any;

const windowStage = (w: WindowFn, late: number, trigger?: { early?: { every: number }; late?: boolean }) =>
  L.window(w, { allowedLateness: late, ...(trigger ? { trigger } : {}) }) as (s: Untyped) => Untyped;

/** Sources and tables a recipe's pipeline reads. */
export const inputsOfRecipe = (r: Recipe): { sources: string[]; tables: string[] } => ({
  sources: r.terminal.kind === "join" || unionOf(r) ? ["events", "others"] : ["events"],
  tables: r.pre.some((p) => p.kind === "lookup") ? ["labels"] : [],
});

/** Whether a recipe flattens two sources (never together with a join, which reads both anyway). */
const unionOf = (r: Recipe): boolean => Boolean(r.union) && r.terminal.kind !== "join";

const EV_FIELDS = ["id", "k", "ts", "x", "s", "tag"] as const;

/** The post step's filter or map, on the terminal's output rows. */
const postStage = (r: Recipe): ((s: Untyped) => Untyped) | null => {
  const p = r.post;
  if (!p) return null;
  switch (p.kind) {
    case "filterKey":
      return L.filter((_e: Untyped) => new L.Expr<boolean>(ast.call("neq", ast.field(r.keyFields[0]!), ast.lit(p.value))));
    case "filterValue": {
      // Something the final value decides: a filter after an aggregate sees its last pane (§11).
      const t = r.terminal;
      const e: Ast =
        t.kind === "combine" || t.kind === "chain"
          ? ast.call("gt", ast.field(t.kind === "chain" ? "groups" : t.aggs[0]!), ast.lit(1))
          : t.kind === "groupByKey"
            ? ast.call("gt", ast.call("size", ast.field("values")), ast.lit(1))
            : t.kind === "sequence"
              ? ast.call("gt", ast.call("size", ast.field("sequence")), ast.lit(1))
              : t.kind === "join"
                ? ast.call("not", ast.call("isNull", ast.field("right")))
                : ast.call("gt", fieldX, ast.lit(0));
      return L.filter((_e: Untyped) => new L.Expr<boolean>(e));
    }
    case "tagRows":
      return L.map((e: Untyped) => ({ row: e, tagged: new L.Expr<string>(ast.lit("t")) }));
  }
};

/** Builds the pipeline a recipe describes. Dynamic by nature, so typed loosely. */
export const buildPipeline = (r: Recipe, name = "generated"): Pipeline =>
  L.pipeline(name, { version: 1 }, ({ source, table, sink }) => {
    const labels = r.pre.some((p) => p.kind === "lookup") ? table("labels", Tb, { key: "s", validFrom: "from" }) : undefined;
    const prefix = (src: string): Untyped => {
      let s: Untyped = source(src, Ev, r.sourceKey ? { key: "k" } : undefined);
      s = L.withTimestamps((e: Untyped) => e.field("ts"))(s);
      for (const p of r.pre) {
        switch (p.kind) {
          case "filter":
            s = L.filter((_e: Untyped) => new L.Expr<boolean>(p.expr))(s);
            break;
          case "mapX":
            s = L.map((e: Untyped) => ({
              id: e.field("id"),
              k: e.field("k"),
              ts: e.field("ts"),
              x: new L.Expr<number>(p.expr),
              s: e.field("s"),
              tag: e.field("tag"),
            }))(s);
            break;
          case "dispatch": {
            const b = Object.fromEntries(Object.entries(p.branches).map(([k, v]) => [k, v === "keep" || v === "drop" ? v : recipeExecutors[v]]));
            s = (L.dispatch as Untyped)("tag", b, p.otherwise ? { otherwise: p.otherwise } : undefined)(s);
            break;
          }
          case "dedupe":
            s = (L.dedupe as Untyped)("id", p.ttl !== undefined ? { ttl: p.ttl } : undefined)(s);
            break;
          case "apply":
            s = L.apply(recipeExecutors[p.executor] as Untyped)(s);
            break;
          case "flatMap": {
            const plus1 = ast.struct(EV_FIELDS.map((f) => [f, f === "x" ? ast.call("add", fieldX, ast.lit(1)) : ast.field(f)] as const));
            s = L.flatMap((_e: Untyped) => new L.Expr<unknown[]>(ast.array([ast.row(), plus1])), { as: "item" })(s);
            s = L.map((e: Untyped) => Object.fromEntries(EV_FIELDS.map((f) => [f, e.field("item").field(f)])) as Untyped)(s);
            break;
          }
          case "lookup":
            s = L.lookup(labels!, { on: "s", take: { label: "label" } })(s);
            break;
        }
      }
      return s;
    };
    const pre = unionOf(r) ? L.flatten([prefix("events"), prefix("others")]) : prefix("events");
    const sinks: L.Sink[] = [];
    const post = postStage(r);
    const out = (s: Untyped) => sinks.push(sink("out")(post ? post(s) : s));
    if (r.tap) sinks.push(sink("tap")(pre));
    const keyed = (L.keyBy as Untyped)(r.keyFields)(pre);
    const term = r.terminal;
    switch (term.kind) {
      case "combine": {
        const trigger = { ...(term.early ? { early: { every: term.early } } : {}), late: term.late };
        const w = term.window ? windowStage(term.window, term.lateness, trigger)(keyed) : keyed;
        const aggs = Object.fromEntries(term.aggs.map((a) => [a, aggOf(a as (typeof AGGS)[number])]));
        out((L.combine as Untyped)(aggs)(w));
        break;
      }
      case "groupByKey": {
        const w = term.window ? windowStage(term.window, term.lateness)(keyed) : keyed;
        out((L.groupByKey as Untyped)({ as: "values" })(w));
        break;
      }
      case "sequence":
        out(
          (L.sequence as Untyped)({ latest: term.latest, id: "id", fields: ["x", "s", "ts"], as: "sequence", ...(term.ttl ? { ttl: term.ttl } : {}) })(keyed),
        );
        break;
      case "join": {
        const left = windowStage(term.window, term.lateness)(keyed);
        const right = windowStage(term.window, term.lateness)((L.keyBy as Untyped)(r.keyFields)(prefix("others")));
        out((L.join as Untyped)(right, { kind: term.joinKind })(left));
        break;
      }
      case "chain": {
        // The first level has no window stage: an implicit global window fires once, so a second keyed aggregate may read it (§9).
        const perKey = (L.combine as Untyped)({ n: L.count(), total: L.sum("x") })(keyed);
        const second = (L.keyBy as Untyped)([r.keyFields[0]])(perKey);
        out((L.combine as Untyped)({ groups: L.count(), n: L.sum("n"), total: L.sum("total") })(second));
        break;
      }
      case "none":
        out(pre);
        break;
    }
    return sinks;
  });

/**
 * The inputs every recipe reads, as histories see them: `events` and
 * `others` (shape `Ev`, source key `k`, event time `ts`), table `labels`
 * (shape `Tb`, key `s`, valid from `from`). Keys (`k`, `s`, `tag`) share one
 * pool so lookups hit; `id` is a dedupe and sequence id. Window sizes,
 * gaps, lateness and ttls of recipes are whole seconds (offsets 1, 500,
 * 999 ms), so times land on their edges at d − 1, d, d + 1 for these
 * durations.
 */
export const recipeHistoryModel: HistoryModel = {
  inputs: [
    { id: "events", kind: "source", schema: toSchema(Ev), key: ["k"], time: "ts" },
    { id: "others", kind: "source", schema: toSchema(Ev), key: ["k"], time: "ts" },
    { id: "labels", kind: "table", schema: toSchema(Tb), key: ["s"], time: "from" },
  ],
  keyish: ["k", "s", "tag"],
  ids: ["id"],
  dispatch: { tag: ["a", "b", "c"] },
  durations: [500, 1000, 2000, 3000, 5000, 6000, 10_000, 30_000, 60_000, 61_000],
};
