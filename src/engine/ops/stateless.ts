/**
 * The rules of the stateless per-element stages — map, filter, flatMap, keyBy,
 * window (a pass-through) and withTimestamps (`with-timestamps.ts`) — as the
 * fused chains of `chain.ts` apply them, and the per-element shape of the
 * stages that stay operators of their own (flatten, and the dead-letter rule
 * combine shares). Pane markers pass through untouched.
 *
 * @module
 */
import { canonicalJson } from "../../core/canonical.ts";
import { ExpressionError } from "../../expr/regex.ts";
import type { KeyByNode } from "../../plan/ir.ts";
import type { Elem, Origin } from "../elem.ts";
import type { Emit, EngineContext, Operator, StageMetrics } from "../operator.ts";
import { originFields } from "../operator.ts";
import { ownField, setOwnField } from "../../core/fields.ts";

/**
 * Sends the value `v` (read from `origin`) to the dead letters of stage `id` when `err` is an
 * expression's run-time error (an invalid regex computed from the record); rethrows anything else.
 */
export const expressionDeadLetter = (err: unknown, origin: Origin, v: unknown, id: string, ctx: EngineContext, m: StageMetrics): void => {
  if (!(err instanceof ExpressionError)) throw err;
  m.deadLetters++;
  ctx.deadLetter({ ...originFields(origin), stage: id, reason: err.message, value: v });
};

/**
 * Sends `e` to the dead letters of stage `id` when `err` is an expression's
 * run-time error (an invalid regex computed from the record); rethrows anything else.
 */
export const deadLetterOnExpressionError = (err: unknown, e: Elem, id: string, ctx: EngineContext, m: StageMetrics): void =>
  expressionDeadLetter(err, e.origin, e.v, id, ctx, m);

/**
 * The shape every per-element stage shares: pane markers pass through
 * untouched (only sinks read them) and every other element is counted in.
 * An expression that fails on the element makes it a dead letter of this
 * stage; every stage catches its own, so none reaches an upstream stage.
 * (The fused chains of `chain.ts` keep exactly this shape, one stage inside the next.)
 */
export const perElement = (id: string, ctx: EngineContext, emit: Emit, handle: (e: Elem, m: StageMetrics) => void | Promise<void>): Operator => {
  const m = ctx.metrics(id);
  return {
    id,
    process: (e) => {
      if (e.marker) return emit(e);
      m.in++;
      try {
        return handle(e, m);
      } catch (err) {
        deadLetterOnExpressionError(err, e, id, ctx, m);
      }
    },
    finish: () => {},
  };
};

/** Why a flatMap expression's result `items` (neither null nor an array) gives no elements: the dead letter's reason. */
export const notAnArrayReason = (items: unknown): string => `flatMap expression gave ${canonicalJson(items).slice(0, 40)}, not an array`;

/**
 * `flatMap`'s items as element values, in order: each item, or `{ [as]: item }` with `as`. Without
 * `as` an item that is not an object gives no element; `reject` receives the dead letter's reason
 * (before any value is emitted, as every item is judged first).
 */
export const flatMapValues = (items: readonly unknown[], as: string | undefined, reject: (reason: string) => void): unknown[] => {
  const out: unknown[] = [];
  for (const item of items) {
    if (as === undefined && (typeof item !== "object" || item === null || Array.isArray(item))) {
      reject(`flatMap item ${canonicalJson(item).slice(0, 40)} is not an object; set "as" to wrap items`);
      continue;
    }
    out.push(as === undefined ? item : { [as]: item });
  }
  return out;
};

/** Entries a keyBy keeps in its key-text cache; past that, new keys are made each time (high cardinality). */
const KEY_CACHE_MAX = 1 << 16;

/** Where a {@link Keyer} writes an element's key: the stage key text and the key fields with their values. */
export interface KeyOut {
  k: string;
  kv: Record<string, unknown>;
}

/** Computes the key of a value into `out` (a holder the caller reuses: no object per element besides `kv`). */
export type Keyer = (v: unknown, out: KeyOut) => void;

/** `keyBy`'s rule: the key of a value is the canonical JSON of its key fields' values, and those fields. */
export const keyerOf = (n: KeyByNode): Keyer => {
  const fields = n.fields;
  const one = fields.length === 1 ? fields[0]! : undefined;
  // An object literal with a constant key is much cheaper per element than a computed key;
  // the field name reaches the generated code only through JSON.stringify.
  const keyObject =
    one === undefined
      ? undefined
      : (new Function("v", one === "__proto__" ? `return { [${JSON.stringify(one)}]: v };` : `return { ${JSON.stringify(one)}: v };`) as (
          v: unknown,
        ) => Record<string, unknown>);
  // The key text of each string key value, kept: keys repeat (words, users), and a kept text is one
  // flat string whose hash is already computed, where a new one is built, flattened and hashed again by
  // every state lookup of the stages after (measured: the largest cost of wordcount's keyed count).
  const texts = new Map<string, string>();
  const textOf = (v: string): string => {
    let k = texts.get(v);
    if (k === undefined) {
      k = `[${JSON.stringify(v)}]`;
      if (texts.size < KEY_CACHE_MAX) texts.set(v, k);
    }
    return k;
  };
  if (one !== undefined)
    return (value, out) => {
      const v = ownField(value as Record<string, unknown>, one);
      out.kv = keyObject!(v);
      out.k = typeof v === "string" ? textOf(v) : canonicalJson([v]);
    };
  return (value, out) => {
    const kv: Record<string, unknown> = {};
    const vals: unknown[] = [];
    for (const f of fields) {
      const v = ownField(value as Record<string, unknown>, f);
      setOwnField(kv, f, v); // "__proto__" stays a field
      vals.push(v);
    }
    out.kv = kv;
    out.k = canonicalJson(vals);
  };
};

/** Stages that only pass elements on (flatten; window is a pass-through step of a fused chain). */
export const passOp = (id: string, ctx: EngineContext, emit: Emit): Operator =>
  perElement(id, ctx, emit, (e, m) => {
    m.out++;
    return emit(e);
  });
