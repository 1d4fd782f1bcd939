/**
 * Event histories: fast-check arbitraries of the inputs of a run, derived
 * from a pipeline's own source and table schemas, so a user's pipeline gets
 * generators without writing any.
 *
 * A {@link History} fixes, per source and table, the records in **arrival
 * order** (for the DirectRunner the file order; for Kafka the production
 * order — records are keyed by their source key, so each source key's
 * records arrive in this order), the partition count streaming runners use,
 * and a seed for runners that interleave different source keys differently.
 *
 * What the generated records contain:
 * - **keys with skew**: every field used as a key anywhere (source keys,
 *   `keyBy`, lookup `on`, table keys, dispatch fields) draws from one small
 *   generated pool of values — unicode and the empty string included — with a
 *   few hot keys and a long tail, so lookups hit and keys collide;
 * - **event time**: the field the pipeline's `withTimestamps` reads. Each
 *   source key has its own clock that mostly moves forward in steps that land
 *   on the edges of the pipeline's windows, gaps, allowed lateness and ttls
 *   (d − 1, d, d + 1), and sometimes jumps back — just inside the allowed
 *   lateness or just behind it — so some elements are late and some barely
 *   not (docs/semantics.md §8); bursts repeat a time (ties); and sometimes
 *   jumps several of the longest durations ahead, so one source key's clock
 *   (on Kafka, its partition's) closes windows the others are still filling;
 * - **ids** (`dedupe`/`sequence` fields): the same id with different content
 *   only within one source key, as §14 requires; exact duplicates anywhere;
 * - **echoes**: an earlier record again with only the fields no `dedupe` can
 *   observe redrawn — for a pipeline that drops its source key before a
 *   dedupe, the same event (id and all) from another source key, identical
 *   where §14 promises parity for it (see `unobservedFields` in model.ts);
 *   without a dedupe, the same content under another source key;
 * - **tables**: several versions per key, some sharing a `validFrom`;
 * - **dead letters**: a few records with a missing or mistyped field, or not
 *   an object at all;
 * - other fields from their schema: unicode strings (NFC/NFD pairs, astral
 *   characters, lone surrogates), extreme but finite numbers (±(2^53 − 1),
 *   ±1e308, 5e−324), arrays, records, optional fields left out;
 * - empty inputs (arrays shrink to nothing).
 *
 * Records are plain JSON (round-tripped through `JSON.stringify`), exactly
 * what a JSONL file or a Kafka topic can carry.
 *
 * @module
 */
import fc from "fast-check";
import { canonicalJson } from "../core/canonical.ts";
import type { Plan } from "../plan/ir.ts";
import type { SchemaJson } from "../schema/json-schema.ts";
import type { HistoryModel, InputModel } from "./model.ts";
import { historyModelOf } from "./model.ts";
import { isObject } from "../core/fields.ts";

/** The inputs of one run, in arrival order, plus the knobs streaming runners take. */
export interface History {
  /** Per source and table: the records in arrival order (JSON values; invalid ones become dead letters). */
  readonly inputs: Readonly<Record<string, readonly unknown[]>>;
  /** Partitions of the topics a partitioned runner (Kafka) creates, 1–4. */
  readonly partitions: number;
  /** Seed for runners that interleave different source keys on their own (e.g. `direct-reordered`). */
  readonly interleave: number;
}

/** Tuning of generated histories. */
export interface HistoryOptions {
  /** At most this many records per source (default 24). */
  readonly maxRecords?: number;
  /** At most this many rows per table (default 10). */
  readonly maxTableRows?: number;
  /** Generate records the codec rejects (default true). */
  readonly deadLetters?: boolean;
  /** Among those, JSON values that are not objects (`42`, `"text"`, `[1,2]`, `null`, `true`; default true). */
  readonly nonObjects?: boolean;
  /** Generate extreme numbers (±1e308, ±(2^53 − 1), 5e−324) and odd strings (default true). */
  readonly extremes?: boolean;
  /** Extra durations (ms) whose edges generated times should hit, besides the plan's own. */
  readonly durations?: readonly number[];
  /** fast-check's size of the record arrays (default fast-check's, "small": about ten records; "medium" or "large" for more). */
  readonly size?: fc.SizeForArbitrary;
  /** Generate only these inputs (default: every source and table of the model). */
  readonly only?: readonly string[];
}

// ---------------------------------------------------------------------------------------------
// Templates: generated values with placeholders resolved once the whole history is known.

/** A key drawn from the history's pool: `ix` is skewed towards the first (hot) keys. */
class PoolRef {
  constructor(readonly ix: number) {}
}
/** An id: `n` within the record's source key. */
class IdRef {
  constructor(readonly n: number) {}
}

type Corrupt = { readonly kind: "missing" | "mistyped"; readonly field: number } | { readonly kind: "notObject"; readonly value: unknown };

/**
 * How a record's time moves its source key's clock: `d` forward, or back.
 * Forward steps include jumps of several of the longest durations, so one
 * source key's clock races windows ahead of the others' — on a partitioned
 * runner its partition fires windows the others have not reached.
 */
type Step = { readonly back: boolean; readonly d: number };

interface RecordSpec {
  readonly body: unknown;
  readonly step: Step;
  /** Extra records with the same source key and time (ties), 0 mostly. */
  readonly burst: number;
  /** Repeat the record `dup` positions back verbatim (an exact duplicate) instead of this one. */
  readonly dup: number | null;
  /**
   * Repeat the record `echo` positions back with its unobserved fields
   * ({@link InputModel.unobserved}: its source key, say) taken from this
   * record's body: a duplicate that is identical at every dedupe, from
   * another source key.
   */
  readonly echo: number | null;
  readonly corrupt: Corrupt | null;
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

const EXTREME_NUMBERS = [MAX_SAFE, -MAX_SAFE, 1e308, -1e308, Number.MAX_VALUE, 5e-324, -5e-324, 2 ** 53 - 2, 1e21, 1e-7, 0.1, 0.2, 0.30000000000000004];
const ODD_STRINGS = ["é", "e\u0301", "ß", "İ", "ǅ", "Σ", "日本語", "🙂", "👍🏽", "a\u0000b", "\ud800", "\udfff", " padded ", "\n", '"q"', "\\", "\u2028", "ﬀ"];
const PLAIN_STRINGS = ["", "a", "b", "ab", "A", "B", "x1", "aa", "b c"];
const KEY_STRINGS = ["a", "b", "c", "d", "u1", "u2", "A", "é", "e\u0301", "🙂", "", "İ", "ß", "x y"];

/** Context for generating values from a schema. */
interface GenContext {
  readonly model: HistoryModel;
  readonly input: InputModel;
  readonly extremes: boolean;
}

const numberArb = (extremes: boolean, integer: boolean): fc.Arbitrary<number> => {
  const small = fc.integer({ min: -10, max: 10 });
  if (integer)
    return extremes
      ? fc.oneof(
          { withCrossShrink: true },
          { arbitrary: small, weight: 8 },
          { arbitrary: fc.constantFrom(MAX_SAFE, -MAX_SAFE, 2 ** 31, -(2 ** 31), 2 ** 53 - 2), weight: 1 },
        )
      : small;
  const fractions = fc.constantFrom(0.5, -0.25, 2.5, -2.5, 1e3, 0.1);
  if (!extremes) return fc.oneof({ withCrossShrink: true }, { arbitrary: small, weight: 6 }, { arbitrary: fractions, weight: 2 });
  return fc.oneof(
    { withCrossShrink: true },
    { arbitrary: small, weight: 12 },
    { arbitrary: fractions, weight: 3 },
    { arbitrary: fc.constantFrom(...EXTREME_NUMBERS), weight: 1 },
    { arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }), weight: 1 },
  );
};

const stringArb = (extremes: boolean): fc.Arbitrary<string> =>
  extremes
    ? fc.oneof(
        { withCrossShrink: true },
        { arbitrary: fc.constantFrom(...PLAIN_STRINGS), weight: 8 },
        { arbitrary: fc.constantFrom(...ODD_STRINGS), weight: 2 },
        { arbitrary: fc.string({ maxLength: 6 }), weight: 2 },
        { arbitrary: fc.string({ unit: "binary", maxLength: 4 }), weight: 1 },
      )
    : fc.oneof({ withCrossShrink: true }, { arbitrary: fc.constantFrom(...PLAIN_STRINGS), weight: 4 }, { arbitrary: fc.string({ maxLength: 6 }), weight: 1 });

/** Index into the key pool, skewed: low indexes (hot keys) are much more likely, and shrinking goes to 0. */
const poolIx = fc.integer({ min: 0, max: 999 }).map((u) => new PoolRef(u));

/** A generated value for `schema`; `field` is the top-level property it fills, if any. */
const valueArb = (schema: SchemaJson, g: GenContext, field?: string, top = false): fc.Arbitrary<unknown> => {
  if (field !== undefined) {
    if (field === g.input.time) return fc.constant(undefined); // filled in from the clock
    const admitsString = "type" in schema ? schema.type === "string" : false;
    if (g.model.ids.includes(field) && "type" in schema && (schema.type === "string" || schema.type === "number" || schema.type === "integer")) {
      return fc.integer({ min: 0, max: 7 }).map((n) => new IdRef(n));
    }
    if (g.model.keyish.includes(field) || g.input.key.includes(field)) {
      const routes = g.model.dispatch[field];
      if ("enum" in schema) return fc.constantFrom(...schema.enum);
      if (admitsString) return routes?.length ? fc.oneof({ arbitrary: fc.constantFrom(...routes), weight: 3 }, { arbitrary: poolIx, weight: 1 }) : poolIx;
      if ("type" in schema && (schema.type === "number" || schema.type === "integer"))
        return fc.integer({ min: 0, max: 999 }).map((u) => Math.floor(6 * (u / 1000) ** 2));
    }
  }
  if ("const" in schema) return fc.constant(schema.const);
  if ("enum" in schema) return fc.constantFrom(...schema.enum);
  if ("anyOf" in schema) return fc.oneof(...schema.anyOf.map((m) => valueArb(m, g, field, top)));
  if ("allOf" in schema) {
    return fc
      .tuple(...schema.allOf.map((m) => valueArb(m, g, field, top)))
      .map((parts) => (parts.every((p) => typeof p === "object" && p !== null && !Array.isArray(p)) ? Object.assign({}, ...parts) : parts[parts.length - 1]));
  }
  switch (schema.type) {
    case "string":
      return stringArb(g.extremes);
    case "number":
      return numberArb(g.extremes, false);
    case "integer":
      return numberArb(g.extremes, true);
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    case "unknown":
      return fc.oneof(fc.constant(null), fc.boolean(), numberArb(g.extremes, false), stringArb(g.extremes), fc.jsonValue({ maxDepth: 2 }));
    case "array":
      return fc.array(valueArb(schema.items, g), { maxLength: 4 });
    case "record":
      return fc.dictionary(fc.constantFrom("a", "b", "k", "é", ""), valueArb(schema.values, g), { maxKeys: 3 });
    case "object": {
      const props = Object.fromEntries(Object.entries(schema.properties).map(([k, s]) => [k, valueArb(s, g, top ? k : undefined)]));
      // Optional properties are left out about half the time; shrinking leaves them out.
      return fc.record(props, { requiredKeys: schema.required.length === 0 ? [] : (schema.required as string[]) });
    }
  }
};

/** Top-level property names of an object schema (intersections merged). */
const propsOf = (schema: SchemaJson): string[] => {
  if ("allOf" in schema) return [...new Set(schema.allOf.flatMap(propsOf))];
  if ("type" in schema && schema.type === "object") return Object.keys(schema.properties);
  return [];
};

/** The durations whose edges generated times hit: d − 1, d, d + 1 for each, plus 0 and 1. */
export const interestingDeltas = (durations: readonly number[]): number[] => {
  const out = new Set<number>([0, 1]);
  for (const d of durations) for (const x of [d - 1, d, d + 1]) if (x >= 0 && Number.isSafeInteger(x)) out.add(x);
  return [...out].sort((a, b) => a - b);
};

const stepArb = (deltas: readonly number[], span: number): fc.Arbitrary<Step> => {
  const d = fc.oneof({ arbitrary: fc.constantFrom(...deltas), weight: 3 }, { arbitrary: fc.integer({ min: 0, max: span }), weight: 2 });
  const jump = fc.integer({ min: 2, max: 6 }).map((k) => ({ back: false, d: k * span }));
  return fc.oneof(
    { withCrossShrink: true },
    { arbitrary: d.map((x) => ({ back: false, d: x })), weight: 8 },
    { arbitrary: d.map((x) => ({ back: true, d: x })), weight: 2 },
    { arbitrary: jump, weight: 1 },
  );
};

const corruptArb = (fields: number, nonObjects: boolean): fc.Arbitrary<Corrupt> => {
  const kinds: fc.Arbitrary<Corrupt>[] = [];
  if (fields > 0)
    kinds.push(
      fc.nat({ max: fields - 1 }).map((f): Corrupt => ({ kind: "missing", field: f })),
      fc.nat({ max: fields - 1 }).map((f): Corrupt => ({ kind: "mistyped", field: f })),
    );
  if (nonObjects || kinds.length === 0)
    kinds.push(fc.constantFrom<unknown>(42, "text", [1, 2], null, true).map((value): Corrupt => ({ kind: "notObject", value })));
  return fc.oneof(...kinds);
};

const recordSpecArb = (g: GenContext, deltas: readonly number[], span: number, deadLetters: boolean, nonObjects: boolean): fc.Arbitrary<RecordSpec> =>
  fc.record({
    body: valueArb(g.input.schema, g, undefined, true),
    step: stepArb(deltas, span),
    burst: fc.oneof({ withCrossShrink: true }, { arbitrary: fc.constant(0), weight: 12 }, { arbitrary: fc.integer({ min: 1, max: 4 }), weight: 1 }),
    dup: fc.oneof({ withCrossShrink: true }, { arbitrary: fc.constant(null), weight: 12 }, { arbitrary: fc.nat({ max: 5 }), weight: 1 }),
    echo: g.input.unobserved?.length
      ? fc.oneof({ withCrossShrink: true }, { arbitrary: fc.constant(null), weight: 8 }, { arbitrary: fc.nat({ max: 5 }), weight: 1 })
      : fc.constant(null),
    corrupt: deadLetters
      ? fc.oneof(
          { withCrossShrink: true },
          { arbitrary: fc.constant(null), weight: 20 },
          { arbitrary: corruptArb(propsOf(g.input.schema).length, nonObjects), weight: 1 },
        )
      : fc.constant(null),
  });

/** Start times: zero first (what shrinking reaches), then epoch-scale, negative and very large times. */
const baseArb = fc.oneof(
  { withCrossShrink: true },
  { arbitrary: fc.constant(0), weight: 3 },
  { arbitrary: fc.constantFrom(1_793_491_200_000, 1_700_000_000_123), weight: 3 },
  { arbitrary: fc.constantFrom(-86_400_000, -1), weight: 1 },
  { arbitrary: fc.constantFrom(2 ** 50, -(2 ** 50)), weight: 1 },
);

const keyPoolArb = (extremes: boolean): fc.Arbitrary<string[]> =>
  fc.uniqueArray(
    extremes
      ? fc.oneof({ arbitrary: fc.constantFrom(...KEY_STRINGS), weight: 6 }, { arbitrary: fc.string({ maxLength: 3 }), weight: 1 })
      : fc.constantFrom(...KEY_STRINGS.slice(0, 6)),
    {
      minLength: 1,
      maxLength: 8,
    },
  );

// ---------------------------------------------------------------------------------------------
// Materializing a history from its specs.

/** A mistyped stand-in for a value: another JSON type. */
const mistype = (v: unknown): unknown =>
  typeof v === "string" ? 7 : typeof v === "number" ? String(v) : typeof v === "boolean" ? "true" : v === null || v === undefined ? 0 : "x";

interface Raw {
  readonly pool: readonly string[];
  readonly base: number;
  readonly keyStarts: readonly number[];
  readonly partitions: number;
  readonly interleave: number;
  readonly specs: Readonly<Record<string, readonly RecordSpec[]>>;
}

const materialize = (model: HistoryModel, raw: Raw): History => {
  const skew = (ix: number) => raw.pool[Math.floor(raw.pool.length * (ix / 1000) ** 2)]!;
  const multiSource = model.inputs.filter((i) => i.kind === "source").length > 1;
  const resolve = (v: unknown): unknown => {
    if (v instanceof PoolRef) return skew(v.ix);
    if (v instanceof IdRef) return v;
    if (Array.isArray(v)) return v.map(resolve);
    if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolve(x)]));
    return v;
  };
  const inputs: Record<string, unknown[]> = {};
  for (const input of model.inputs) {
    const specs = raw.specs[input.id];
    if (!specs) continue;
    const props = propsOf(input.schema);
    const unobserved = input.kind === "source" ? (input.unobserved ?? []) : [];
    const clocks = new Map<string, number>();
    const out: unknown[] = [];
    // Per record of `out`: its event time and whether it arrived in order in its source key
    // (its time at least the key's clock, so its source clock is its own time); null for rejects.
    const arrived: ({ readonly t: number | undefined; readonly inOrder: boolean } | null)[] = [];
    const push = (rec: unknown, a: (typeof arrived)[number]): void => {
      out.push(rec);
      arrived.push(a);
    };
    /**
     * The record `back` positions before the end with its unobserved fields
     * from `body`, when it is accepted and arrived in order and its new source
     * key's clock is not past its time: then both copies carry the same value,
     * event time and source clock, and only their source keys differ.
     */
    const echoOf = (back: number, body: unknown): Record<string, unknown> | undefined => {
      const j = Math.max(0, out.length - 1 - back);
      const orig = out[j];
      const a = arrived[j];
      if (!a?.inOrder || !isObject(orig) || !isObject(body)) return undefined;
      const rec: Record<string, unknown> = { ...orig };
      for (const f of unobserved) {
        const v = body[f];
        if (v instanceof IdRef) continue;
        if (v === undefined) delete rec[f];
        else rec[f] = v;
      }
      const sk = canonicalJson(input.key.map((k) => rec[k] ?? null));
      const c = clocks.get(sk);
      if (a.t !== undefined && c !== undefined && c > a.t) return undefined;
      clocks.set(sk, a.t === undefined ? (c ?? 0) : Math.max(c ?? a.t, a.t));
      return rec;
    };
    for (const spec of specs) {
      if (spec.dup !== null && out.length > 0) {
        const j = Math.max(0, out.length - 1 - spec.dup);
        push(out[j], arrived[j]!);
        continue;
      }
      const body = resolve(spec.body);
      if (spec.echo !== null && out.length > 0) {
        const rec = echoOf(spec.echo, body);
        if (rec !== undefined) {
          push(rec, { t: input.time === null ? undefined : (rec[input.time] as number), inOrder: true });
          continue;
        }
      }
      if (!isObject(body)) {
        push(body, null);
        continue;
      }
      const skText = input.key.map((k) => (typeof body[k] === "string" ? body[k] : canonicalJson(body[k] ?? null))).join("/");
      const sk = canonicalJson(input.key.map((k) => body[k] ?? null));
      // Ids: unique per source key (and source), so equal ids with different content share a source key.
      const idOf = (n: number, asNumber: boolean): string | number => {
        if (asNumber) return n + 100 * [...clocks.keys(), sk].indexOf(sk) + (multiSource ? 10_000 * model.inputs.indexOf(input) : 0);
        const where = [multiSource ? input.id : "", input.key.length ? skText : ""].filter(Boolean).join(":");
        return where ? `${n}@${where}` : String(n);
      };
      const withIds = (extra: number): Record<string, unknown> =>
        Object.fromEntries(Object.entries(body).map(([k, x]) => [k, x instanceof IdRef ? idOf(x.n + extra, numericIdField(input.schema, k)) : x]));
      let t: number | undefined;
      let inOrder = true;
      if (input.time !== null) {
        if (input.kind === "table") {
          t = raw.base + (spec.step.back ? -spec.step.d : spec.step.d);
        } else {
          const start = raw.base + raw.keyStarts[clocks.size % raw.keyStarts.length]!;
          const c = clocks.get(sk);
          t = c === undefined ? start + (spec.step.back ? 0 : spec.step.d) : spec.step.back ? c - spec.step.d : c + spec.step.d;
          inOrder = c === undefined || t >= c;
          clocks.set(sk, c === undefined ? t : Math.max(c, t));
        }
      } else if (!clocks.has(sk)) clocks.set(sk, 0);
      for (let b = 0; b <= spec.burst; b++) {
        let rec = withIds(b);
        if (input.time !== null && t !== undefined) rec[input.time] = t;
        if (b === 0 && spec.corrupt) {
          const c = spec.corrupt;
          if (c.kind === "notObject") {
            push(c.value, null);
            break;
          }
          const f = props[c.field % Math.max(1, props.length)];
          if (f !== undefined) {
            rec = { ...rec };
            if (c.kind === "missing") delete rec[f];
            else rec[f] = mistype(rec[f]);
          }
          push(rec, null);
          continue;
        }
        push(rec, input.kind === "source" ? { t, inOrder } : null);
      }
    }
    // Plain JSON, exactly as a file or a topic carries it (-0 becomes 0, undefined members go).
    inputs[input.id] = out.map((r) => (r === undefined ? null : JSON.parse(JSON.stringify(r))));
  }
  return { inputs, partitions: raw.partitions, interleave: raw.interleave };
};

const numericIdField = (schema: SchemaJson, field: string): boolean => {
  if ("allOf" in schema) return schema.allOf.some((m) => numericIdField(m, field));
  if ("type" in schema && schema.type === "object") {
    const p = schema.properties[field];
    return p !== undefined && "type" in p && (p.type === "number" || p.type === "integer");
  }
  return false;
};

/**
 * Histories for a model (see {@link historyModelOf}). Use
 * {@link historiesFor} to start from a pipeline or plan.
 */
export const historyArb = (model: HistoryModel, opts: HistoryOptions = {}): fc.Arbitrary<History> => {
  const extremes = opts.extremes ?? true;
  const durations = [...new Set([...model.durations, ...(opts.durations ?? [])])].sort((a, b) => a - b);
  const deltas = interestingDeltas(durations);
  const span = Math.max(1000, 2 * (durations[durations.length - 1] ?? 0));
  const specs: Record<string, fc.Arbitrary<RecordSpec[]>> = {};
  for (const input of model.inputs) {
    if (opts.only && !opts.only.includes(input.id)) continue;
    const g: GenContext = { model, input, extremes };
    const max = input.kind === "table" ? (opts.maxTableRows ?? 10) : (opts.maxRecords ?? 24);
    specs[input.id] = fc.array(recordSpecArb(g, deltas, span, opts.deadLetters ?? true, opts.nonObjects ?? true), {
      maxLength: max,
      ...(opts.size ? { size: opts.size } : {}),
    });
  }
  return fc
    .record({
      pool: keyPoolArb(extremes),
      base: baseArb,
      keyStarts: fc.array(fc.oneof(fc.constantFrom(...deltas), fc.integer({ min: 0, max: span })), { minLength: 1, maxLength: 4 }),
      partitions: fc.integer({ min: 1, max: 4 }),
      interleave: fc.nat(),
      specs: fc.record(specs),
    })
    .map((raw) => materialize(model, raw));
};

/** Histories for the sources and tables of a compiled plan. */
export const historiesFor = (plan: Plan, opts: HistoryOptions = {}): fc.Arbitrary<History> => historyArb(historyModelOf(plan), opts);

/** The number of records in a history, over all inputs. */
export const historySize = (h: History): number => Object.values(h.inputs).reduce((n, rs) => n + rs.length, 0);
