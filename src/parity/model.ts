/**
 * What the parity harness reads off a plan: the inputs and their schemas,
 * which field of each source is its event time (so generated timestamps
 * cluster realistically), which fields are keys or ids (so generated values
 * collide the way real keys do), the durations that matter for lateness
 * (window sizes, gaps, allowed lateness, ttls — generated times land on
 * their edges), and each sink's output key (so a diff can say which output
 * keys are missing, extra or different).
 *
 * @module
 */
import type { Expr } from "../expr/ast.ts";
import type { Plan, PlanNode, SourceNode, TableNode } from "../plan/ir.ts";
import { inputsOf } from "../plan/ir.ts";
import { validatePlan } from "../plan/validate.ts";
import type { SchemaJson } from "../schema/json-schema.ts";

/** One source or table as histories see it. */
export interface InputModel {
  readonly id: string;
  readonly kind: "source" | "table";
  readonly schema: SchemaJson;
  /** Source key fields (a table: its key field). Records with equal values form one ordered substream. */
  readonly key: readonly string[];
  /** The top-level field holding the event time (a table: `validFrom`), when known. */
  readonly time: string | null;
}

/** Everything a history generator needs to know about a pipeline. */
export interface HistoryModel {
  readonly inputs: readonly InputModel[];
  /** Field names used as keys anywhere (source keys, keyBy, lookup, table keys, dispatch): drawn from a shared, skewed pool. */
  readonly keyish: readonly string[];
  /**
   * Field names a `dedupe` or `sequence` identifies elements by: generated so
   * that equal ids with different content stay within one source key
   * (docs/semantics.md §14, dedupe), while exact duplicates go anywhere.
   */
  readonly ids: readonly string[];
  /** Values a `dispatch` routes on, by field. */
  readonly dispatch: Readonly<Record<string, readonly string[]>>;
  /** Durations (ms) whose edges matter: window sizes, periods, offsets, gaps, allowed lateness, ttls (and sums). */
  readonly durations: readonly number[];
}

const isField = (e: Expr): e is Extract<Expr, { op: "field" }> => e.op === "field";

/** The sources a node's elements come from, walking back through every input except tables. */
const sourcesOf = (byId: ReadonlyMap<string, PlanNode>, id: string, seen = new Set<string>()): string[] => {
  if (seen.has(id)) return [];
  seen.add(id);
  const n = byId.get(id);
  if (!n) return [];
  if (n.op === "source") return [n.id];
  if (n.op === "table") return [];
  const ins = n.op === "lookup" ? [n.input] : inputsOf(n);
  return ins.flatMap((i) => sourcesOf(byId, i, seen));
};

/** True when `schema` (an object, or an intersection of objects) has a numeric top-level property `field`. */
const numericProp = (schema: SchemaJson, field: string): boolean => {
  if ("allOf" in schema) return schema.allOf.some((m) => numericProp(m, field));
  if ("type" in schema && schema.type === "object") {
    const p = schema.properties[field];
    return p !== undefined && "type" in p && (p.type === "number" || p.type === "integer");
  }
  return false;
};

/** Reads the history model of a plan. */
export const historyModelOf = (plan: Plan): HistoryModel => {
  const byId = new Map(plan.nodes.map((n) => [n.id, n]));
  const time = new Map<string, string>();
  const keyish = new Set<string>();
  const ids = new Set<string>();
  const dispatch: Record<string, string[]> = {};
  const durations = new Set<number>();
  const lateness = new Set<number>();
  const spans = new Set<number>();
  for (const n of plan.nodes) {
    switch (n.op) {
      case "source":
        n.key.forEach((k) => keyish.add(k));
        break;
      case "table":
        keyish.add(n.key);
        break;
      case "withTimestamps":
        // The event time is a field read: every source feeding this stage gets its times there.
        if (isField(n.expr) && n.expr.path.length === 1) {
          for (const s of sourcesOf(byId, n.id)) {
            const src = byId.get(s) as SourceNode;
            if (!time.has(s) && numericProp(src.schema, n.expr.path[0]!)) time.set(s, n.expr.path[0]!);
          }
        }
        break;
      case "keyBy":
        n.fields.forEach((k) => keyish.add(k));
        break;
      case "lookup":
        keyish.add(n.on);
        break;
      case "dispatch":
        keyish.add(n.field);
        dispatch[n.field] = [...new Set([...(dispatch[n.field] ?? []), ...Object.keys(n.branches)])];
        break;
      case "dedupe":
        n.by.forEach((k) => ids.add(k));
        if (n.ttl !== undefined) durations.add(n.ttl);
        break;
      case "sequence":
        ids.add(n.idField);
        if (n.ttl !== undefined) durations.add(n.ttl);
        break;
      case "window": {
        lateness.add(n.allowedLateness);
        const w = n.window;
        if (w.kind === "fixed") spans.add(w.size), w.offset && durations.add(w.offset);
        else if (w.kind === "sliding") spans.add(w.size), spans.add(w.period), w.offset && durations.add(w.offset);
        else if (w.kind === "session") spans.add(w.gap);
        break;
      }
      default:
        break;
    }
  }
  for (const s of spans) durations.add(s);
  for (const l of lateness) {
    durations.add(l);
    for (const s of spans) durations.add(l + s);
  }
  durations.delete(0);
  // An id field that is also a source key is a key: its values define the substream.
  for (const k of keyish) ids.delete(k);
  const inputs: InputModel[] = plan.nodes
    .filter((n): n is SourceNode | TableNode => n.op === "source" || n.op === "table")
    .map((n) =>
      n.op === "source"
        ? { id: n.id, kind: "source", schema: n.schema, key: n.key, time: time.get(n.id) ?? null }
        : { id: n.id, kind: "table", schema: n.schema, key: [n.key], time: n.validFrom },
    );
  return {
    inputs,
    keyish: [...keyish].sort(),
    ids: [...ids].sort(),
    dispatch,
    durations: [...durations].filter((d) => Number.isFinite(d) && d > 0).sort((a, b) => a - b),
  };
};

/**
 * The fields that make up each sink's output key (docs/semantics.md §11):
 * the key of the last keyed aggregate upstream, plus `windowStart` and
 * `windowEnd` when it is windowed; `null` for sinks whose rows have no
 * output key (no keyed aggregate upstream). Best effort when stateless
 * stages after the aggregate rename fields: the diff then falls back to whole
 * rows for rows that lack a key field.
 */
export const outputKeysOf = (plan: Plan): Record<string, readonly string[] | null> => {
  const byId = new Map(plan.nodes.map((n) => [n.id, n]));
  let facts: ReturnType<typeof validatePlan> | undefined;
  try {
    facts = validatePlan(plan);
  } catch {
    facts = undefined;
  }
  const keyOf = (id: string, seen = new Set<string>()): readonly string[] | null => {
    if (seen.has(id)) return null;
    seen.add(id);
    const n = byId.get(id);
    if (!n) return null;
    switch (n.op) {
      case "combine":
      case "sequence": {
        const f = facts?.get(n.input);
        if (!f?.key) return null;
        return n.op === "combine" && f.window ? [...f.key, "windowStart", "windowEnd"] : f.key;
      }
      case "join": {
        const f = facts?.get(n.left);
        if (!f?.key) return null;
        return [...f.key, "windowStart", "windowEnd"];
      }
      case "source":
      case "table":
        return null;
      default: {
        const ins = n.op === "lookup" ? [n.input] : inputsOf(n);
        for (const i of ins) {
          const k = keyOf(i, seen);
          if (k) return k;
        }
        return null;
      }
    }
  };
  const out: Record<string, readonly string[] | null> = {};
  for (const n of plan.nodes) if (n.op === "sink") out[n.id] = keyOf(n.input);
  return out;
};
