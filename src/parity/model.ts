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
import { fieldsRead } from "../expr/compile-arquero.ts";
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
  /**
   * A source's top-level fields in which two records may differ and still be
   * the same element at every `dedupe` downstream — fields a `map` drops before
   * any stage could tell the records apart (see {@link unobservedFields}). A
   * generated record may repeat an earlier one with only these redrawn: a
   * duplicate identical where §14 asks for it, from another source key when a
   * key field is among them. Absent or empty: no such records.
   */
  readonly unobserved?: readonly string[];
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

/** Top-level property names of an object schema (intersections merged). */
const propsOf = (schema: SchemaJson): string[] => {
  if ("allOf" in schema) return [...new Set(schema.allOf.flatMap(propsOf))];
  if ("type" in schema && schema.type === "object") return Object.keys(schema.properties);
  return [];
};

/** The top-level fields a node reads before its output could carry them on ("all" when it may read or keep anything). */
const readsOf = (n: PlanNode): readonly string[] | "all" => {
  switch (n.op) {
    case "filter":
    case "withTimestamps":
    case "map":
      return fieldsRead(n.expr);
    case "keyBy":
      return n.fields;
    case "window":
    case "flatten":
      return [];
    default:
      // Executors, lookups, aggregates, joins…: opaque or content-dependent, so they may observe every field.
      return "all";
  }
};

/**
 * The fields of `source` (its top-level properties, the event-time field
 * excepted) that no `dedupe` downstream can observe: on every path from the
 * source to a dedupe there is a struct `map` that reads none of them, and
 * before it only `filter`, `withTimestamps`, `keyBy`, `window` and `flatten`
 * stages, none reading them either. Two records differing only there reach
 * each dedupe as equal values with equal keys and event times, so which one
 * passes cannot change the result (§14, "duplicates are identical").
 * A source no dedupe reads gets its source-key fields: copies under another
 * source key are then ordinary data that must give one answer everywhere.
 */
export const unobservedFields = (plan: Plan, source: SourceNode, time: string | null): string[] => {
  const consumers = new Map<string, PlanNode[]>();
  for (const n of plan.nodes) for (const i of inputsOf(n)) consumers.set(i, [...(consumers.get(i) ?? []), n]);
  const candidates = propsOf(source.schema).filter((f) => f !== time);
  /** True when a dedupe is downstream of `id`. */
  const reachesDedupe = (id: string, seen = new Set<string>()): boolean => {
    if (seen.has(id)) return false;
    seen.add(id);
    return (consumers.get(id) ?? []).some((n) => n.op === "dedupe" || reachesDedupe(n.id, seen));
  };
  /** The candidates no dedupe downstream of `id` observes, given the fields `seen` read on the way there. */
  const walk = (id: string, seen: ReadonlySet<string>, shielded: boolean): Set<string> => {
    if (!reachesDedupe(id)) return new Set(candidates);
    if (shielded) return new Set(candidates.filter((f) => !seen.has(f)));
    let free = new Set(candidates);
    for (const n of consumers.get(id) ?? []) {
      const reads = n.op === "dedupe" ? "all" : readsOf(n);
      const sub =
        reads === "all"
          ? n.op === "dedupe" || reachesDedupe(n.id)
            ? new Set<string>()
            : new Set(candidates)
          : walk(n.id, new Set([...seen, ...reads]), n.op === "map" && n.expr.op === "struct");
      free = new Set([...free].filter((f) => sub.has(f)));
    }
    return free;
  };
  if (!reachesDedupe(source.id)) return source.key.filter((k) => candidates.includes(k));
  const free = walk(source.id, new Set(), false);
  return candidates.filter((f) => free.has(f));
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
        ? {
            id: n.id,
            kind: "source",
            schema: n.schema,
            key: n.key,
            time: time.get(n.id) ?? null,
            unobserved: unobservedFields(plan, n, time.get(n.id) ?? null),
          }
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
