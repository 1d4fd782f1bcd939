/**
 * Row types: the shape of every stage's elements, inferred from the sources'
 * schemas through every op, and the check of every field reference against
 * the row type it reads (expressions, keys, `on`, `take`, `id`, `fields`,
 * dispatch and dedupe fields, `validFrom`).
 *
 * A TypeScript author gets these errors from the compiler; a `.ts` file the
 * CLI does not type-check, or a compiled JSON definition, gets them here, at
 * compile, validate and load time. A row type is a {@link SchemaJson}; where
 * the shape cannot be known (an executor's `featurize` or `enrich`, a user
 * combiner's result, a computed `get`), it is **open** and nothing below it
 * is checked — a guess would refuse valid definitions.
 *
 * One function per op, in {@link RULES}: each checks the references of its
 * node and returns its output row type.
 *
 * @module
 */
import { closest } from "../core/suggest.ts";
import type { Expr } from "../expr/ast.ts";
import type { ExecutorHook } from "../registry/executor.ts";
import type { SchemaJson } from "../schema/json-schema.ts";
import { badFieldReads, mayBeObject, typeOfExpr } from "./expr-types.ts";
import type { AggSpec, Op, PlanNode, UnhashedPlan } from "./ir.ts";
import { inputsOf } from "./ir.ts";
import { anyOf, describeSchema, fieldsOf, objectOf, readPath, UNKNOWN } from "./schema-fields.ts";
import type { PathResult } from "./schema-fields.ts";

/** A field reference that does not resolve, with the fix. */
export interface FieldProblem {
  readonly node: PlanNode;
  readonly problem: string;
  readonly fix: string;
}

/** What the inference knows about one stage's output. */
export interface RowFacts {
  /** The elements' schema (`{type: "unknown"}` when open). */
  readonly row: SchemaJson;
  /** The row type the key fields were read from (by keyBy, or the table), else null. */
  readonly keyedFrom: SchemaJson | null;
}

/** What validation already knows about a stage's input stream (see `validate.ts`). */
export interface StreamShape {
  readonly key: readonly string[] | null;
  readonly window: unknown;
}

/** What a rule may ask about the plan. */
interface Cx {
  readonly node: PlanNode;
  /** Facts of the node's `i`-th input (open when the input is missing). */
  readonly input: (i?: number) => RowFacts;
  /** Validation's facts of the node's first input. */
  readonly stream: StreamShape | undefined;
  /** Facts of a node by id (for lookup's table). */
  readonly byId: (id: string) => RowFacts | undefined;
  /** The hooks of an executor by reference, when known. */
  readonly executor: (ref: string) => readonly ExecutorHook[] | undefined;
  /** Checks a field name read from `row`; `what` says which reference it is. */
  readonly field: (what: string, name: string, row: SchemaJson, of?: string) => void;
  /** Checks every field read of an expression evaluated on `row`. */
  readonly expr: (what: string, e: Expr, row: SchemaJson) => void;
}

type Rule<N extends PlanNode> = (n: N, cx: Cx) => RowFacts;

const NUMBER: SchemaJson = { type: "number" };
const INTEGER: SchemaJson = { type: "integer" };
const NULLABLE_NUMBER: SchemaJson = { anyOf: [NUMBER, { type: "null" }] };
const WINDOW_FIELDS: readonly (readonly [string, SchemaJson])[] = [
  ["windowStart", NULLABLE_NUMBER],
  ["windowEnd", NULLABLE_NUMBER],
];

/** The key fields a keyed aggregate puts in its rows, typed from where the key was read. */
const keyFields = (cx: Cx): [string, SchemaJson][] => {
  const from = cx.input().keyedFrom;
  return (cx.stream?.key ?? []).map((k) => {
    const r = from === null ? undefined : readPath(from, [k]);
    return [k, r?.ok ? r.type : UNKNOWN];
  });
};

/** The schema of an aggregate's result. */
const aggType = (a: AggSpec, row: SchemaJson): SchemaJson => {
  switch (a.fn) {
    case "count":
    case "countDistinct":
      return INTEGER;
    case "sum":
      return NUMBER;
    case "min":
    case "max":
    case "mean":
      return NULLABLE_NUMBER;
    case "topK":
      return { type: "array", items: NUMBER };
    case "first":
    case "last":
      return typeOfExpr(a.input, row);
    case "collect":
      return { type: "array", items: typeOfExpr(a.input, row) };
    case "custom":
      return UNKNOWN;
  }
};

/** True when an executor is known to keep its input's shape: no featurize (new shape) and no enrich (adds data). */
const keepsShape = (hooks: readonly ExecutorHook[] | undefined): boolean => hooks !== undefined && !hooks.includes("featurize") && !hooks.includes("enrich");

const same = (cx: Cx): RowFacts => cx.input();
const withRow = (cx: Cx, row: SchemaJson): RowFacts => ({ row, keyedFrom: cx.input().keyedFrom });

/** Each op's check and output row type. */
export const RULES: { readonly [K in Op]: Rule<Extract<PlanNode, { op: K }>> } = {
  source: (n, cx) => {
    for (const k of n.key) cx.field("source key field", k, n.schema, "the source's schema");
    return { row: n.schema, keyedFrom: null };
  },
  table: (n, cx) => {
    cx.field("table key field", n.key, n.schema, "the table's schema");
    cx.field("validFrom field", n.validFrom, n.schema, "the table's schema");
    return { row: n.schema, keyedFrom: n.schema };
  },
  map: (n, cx) => {
    cx.expr("map expression", n.expr, cx.input().row);
    const out = typeOfExpr(n.expr, cx.input().row);
    return withRow(cx, mayBeObject(out) ? out : UNKNOWN);
  },
  filter: (n, cx) => {
    cx.expr("filter condition", n.expr, cx.input().row);
    return same(cx);
  },
  withTimestamps: (n, cx) => {
    cx.expr("timestamp expression", n.expr, cx.input().row);
    return same(cx);
  },
  flatMap: (n, cx) => {
    cx.expr("flatMap expression", n.expr, cx.input().row);
    const t = typeOfExpr(n.expr, cx.input().row);
    const item = "type" in t && t.type === "array" ? t.items : UNKNOWN;
    if (n.as !== undefined) return withRow(cx, objectOf([[n.as, item]]));
    return withRow(cx, mayBeObject(item) ? item : UNKNOWN);
  },
  keyBy: (n, cx) => {
    for (const f of n.fields) cx.field("keyBy field", f, cx.input().row);
    return { row: cx.input().row, keyedFrom: cx.input().row };
  },
  dispatch: (n, cx) => {
    cx.field("dispatch field", n.field, cx.input().row);
    const executors = Object.values(n.branches).filter((b) => b !== "keep" && b !== "drop");
    return executors.every((b) => keepsShape(cx.executor(b))) ? same(cx) : withRow(cx, UNKNOWN);
  },
  apply: (n, cx) => (keepsShape(cx.executor(n.executor)) ? same(cx) : withRow(cx, UNKNOWN)),
  window: (_n, cx) => same(cx),
  combine: (n, cx) => {
    const row = cx.input().row;
    for (const [name, a] of n.aggs) if (a.fn !== "count") cx.expr(`aggregate "${name}"`, a.input, row);
    const windowed = cx.stream?.window !== null && cx.stream?.window !== undefined;
    return withRow(cx, objectOf([...keyFields(cx), ...(windowed ? WINDOW_FIELDS : []), ...n.aggs.map(([name, a]) => [name, aggType(a, row)] as const)]));
  },
  join: (n, cx) => {
    const right = cx.input(1).row;
    const left = cx.input(0).row;
    return withRow(
      cx,
      objectOf([...keyFields(cx), ...WINDOW_FIELDS, [n.as[0], left], [n.as[1], n.kind === "left" ? anyOf([right, { type: "null" }]) : right]]),
    );
  },
  lookup: (n, cx) => {
    const row = cx.input().row;
    const table = cx.byId(n.table)?.row ?? UNKNOWN;
    cx.field(`lookup "on" field`, n.on, row);
    for (const [, from] of n.take) cx.field("take field", from, table, `table "${n.table}"`);
    const taken = n.take.map(([to, from]): [string, SchemaJson] => {
      const r = readPath(table, [from]);
      return [to, r.ok ? anyOf([r.type, { type: "null" }]) : UNKNOWN];
    });
    // Taken fields replace input fields of the same name.
    const f = fieldsOf(row);
    const names = new Set(taken.map(([to]) => to));
    return withRow(cx, f.open ? UNKNOWN : objectOf([...[...f.fields].filter(([k]) => !names.has(k)), ...taken]));
  },
  sequence: (n, cx) => {
    const row = cx.input().row;
    cx.field(`sequence "id" field`, n.idField, row);
    for (const f of n.fields) cx.field("sequence field", f, row);
    const entry = objectOf(
      n.fields.map((f) => {
        const r = readPath(row, [f]);
        return [f, r.ok ? r.type : UNKNOWN] as const;
      }),
    );
    return withRow(cx, objectOf([...keyFields(cx), [n.as, { type: "array", items: entry }]]));
  },
  dedupe: (n, cx) => {
    for (const f of n.by) cx.field("dedupe field", f, cx.input().row);
    return same(cx);
  },
  flatten: (n, cx) => withRow(cx, anyOf(n.inputs.map((_, i) => cx.input(i).row))),
  sink: (_n, cx) => same(cx),
};

const INPUT = "its input";
const OPEN_FACTS: RowFacts = { row: UNKNOWN, keyedFrom: null };
const list = (names: readonly string[]): string => (names.length === 0 ? "it has no fields" : `its fields: ${names.join(", ")}`);

/**
 * The problem and fix for a field path that does not resolve. `subject` is
 * either a named reference ("keyBy field") or, for expressions, what reads it
 * ("filter condition").
 */
const describeMissing = (
  subject: { ref: string } | { reader: string },
  path: readonly string[],
  r: Extract<PathResult, { ok: false }>,
  of: string,
): { problem: string; fix: string } => {
  const name = path[r.at]!;
  const hint = closest(name, r.fields);
  const fix =
    hint !== undefined
      ? `did you mean "${hint}"?`
      : r.at > 0
        ? "correct the path"
        : of === INPUT
          ? `use one of the fields listed, or add "${name}" upstream (e.g. with L.map)`
          : "use one of the fields listed";
  const shown = JSON.stringify(path.join("."));
  const head = "ref" in subject ? `the ${subject.ref} ${shown}` : `the ${subject.reader} reads the field ${shown}, which`;
  if (r.at === 0) return { problem: `${head} is not a field of ${of} (${list(r.fields)})`, fix };
  const parent = JSON.stringify(path.slice(0, r.at).join("."));
  const inner = fieldsOf(r.parent).object
    ? `${parent} has no field "${name}" (${list(r.fields)})`
    : `${parent} is ${describeSchema(r.parent)}, which has no fields`;
  return { problem: `${head} does not exist in ${of}: ${inner}`, fix };
};

/**
 * Infers every stage's row type and checks every field reference.
 *
 * @param streams validation's facts per stage (keys and windows), for the
 *   key and window fields keyed aggregates add
 * @param executor finds an executor's hooks by reference, to learn whether
 *   it keeps its input's shape; when it returns undefined the output row is open
 */
export const inferRowTypes = (
  plan: UnhashedPlan,
  streams: ReadonlyMap<string, StreamShape>,
  executor: (ref: string) => readonly ExecutorHook[] | undefined = () => undefined,
): { rows: Map<string, RowFacts>; problems: FieldProblem[] } => {
  const rows = new Map<string, RowFacts>();
  const problems: FieldProblem[] = [];
  for (const node of plan.nodes) {
    const ids = inputsOf(node);
    const cx: Cx = {
      node,
      input: (i = 0) => (ids[i] !== undefined ? rows.get(ids[i]!) : undefined) ?? OPEN_FACTS,
      stream: ids[0] !== undefined ? streams.get(ids[0]) : undefined,
      byId: (id) => rows.get(id),
      executor,
      field: (what, name, row, of = INPUT) => {
        if (typeof name !== "string")
          return void problems.push({
            node,
            problem: `the ${what} is ${JSON.stringify(name) ?? String(name)}, not a field name`,
            fix: "name the field as a string",
          });
        const r = readPath(row, [name]);
        if (!r.ok) problems.push({ node, ...describeMissing({ ref: what }, [name], r, of) });
      },
      expr: (what, e, row) => {
        for (const bad of badFieldReads(e, row)) problems.push({ node, ...describeMissing({ reader: what }, bad.path, bad.result, INPUT) });
      },
    };
    const rule = RULES[node.op] as Rule<PlanNode> | undefined;
    rows.set(node.id, rule ? rule(node, cx) : OPEN_FACTS);
  }
  return { rows, problems };
};
