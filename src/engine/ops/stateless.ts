/**
 * Stateless per-element operators: map, filter, flatMap, keyBy and the
 * pass-through stages (window, flatten). Pane markers pass through untouched.
 *
 * @module
 */
import { canonicalJson } from "../../core/canonical.ts";
import { compileExpr, compilePredicate } from "../../expr/compile-js.ts";
import { ExpressionError } from "../../expr/regex.ts";
import type { FilterNode, FlatMapNode, KeyByNode, MapNode } from "../../plan/ir.ts";
import { elem, withValue } from "../elem.ts";
import type { Elem } from "../elem.ts";
import { emitAll } from "../emit-all.ts";
import type { Emit, EngineContext, Operator, StageMetrics } from "../operator.ts";
import { originFields } from "../operator.ts";
import { ownField, setOwnField } from "../../core/fields.ts";

/**
 * Sends `e` to the dead letters of stage `id` when `err` is an expression's
 * run-time error (an invalid regex computed from the record); rethrows anything else.
 */
export const deadLetterOnExpressionError = (err: unknown, e: Elem, id: string, ctx: EngineContext, m: StageMetrics): void => {
  if (!(err instanceof ExpressionError)) throw err;
  m.deadLetters++;
  ctx.deadLetter({ ...originFields(e.origin), stage: id, reason: err.message, value: e.v });
};

/**
 * The shape every per-element stage shares: pane markers pass through
 * untouched (only sinks read them) and every other element is counted in.
 * An expression that fails on the element makes it a dead letter of this
 * stage; every stage catches its own, so none reaches an upstream stage.
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

/** `map`: replaces the value with the struct expression's result. */
export const mapOp = (n: MapNode, ctx: EngineContext, emit: Emit): Operator => {
  const f = compileExpr(n.expr);
  return perElement(n.id, ctx, emit, (e, m) => {
    m.out++;
    return emit(withValue(e, f(e.v)));
  });
};

/** `filter`: keeps elements whose predicate is exactly true. */
export const filterOp = (n: FilterNode, ctx: EngineContext, emit: Emit): Operator => {
  const p = compilePredicate(n.expr);
  return perElement(n.id, ctx, emit, (e, m) => {
    if (!p(e.v)) return;
    m.out++;
    return emit(e);
  });
};

/** `flatMap`: one element per array item; a non-array result yields nothing (null) or a dead letter. */
export const flatMapOp = (n: FlatMapNode, ctx: EngineContext, emit: Emit): Operator => {
  const f = compileExpr(n.expr);
  const as = n.as;
  const reject = (e: Elem, m: StageMetrics, reason: string): void => {
    m.deadLetters++;
    ctx.deadLetter({ ...originFields(e.origin), stage: n.id, reason, value: e.v });
  };
  return perElement(n.id, ctx, emit, (e, m) => {
    const items = f(e.v);
    if (items === null) return;
    if (!Array.isArray(items)) return reject(e, m, `flatMap expression gave ${canonicalJson(items).slice(0, 40)}, not an array`);
    const out: Elem[] = [];
    for (const item of items) {
      if (as === undefined && (typeof item !== "object" || item === null || Array.isArray(item))) {
        reject(e, m, `flatMap item ${canonicalJson(item).slice(0, 40)} is not an object; set "as" to wrap items`);
        continue;
      }
      out.push(withValue(e, as === undefined ? item : { [as]: item }));
    }
    m.out += out.length;
    return emitAll(emit, out);
  });
};

/** Entries a keyBy keeps in its key-text cache; past that, new keys are made each time (high cardinality). */
const KEY_CACHE_MAX = 1 << 16;

/** `keyBy`: sets the key from fields of the value. */
export const keyByOp = (n: KeyByNode, ctx: EngineContext, emit: Emit): Operator => {
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
  return perElement(n.id, ctx, emit, (e, m) => {
    m.out++;
    let kv: Record<string, unknown>;
    let k: string;
    if (one !== undefined) {
      const v = ownField(e.v, one);
      kv = keyObject!(v);
      k = typeof v === "string" ? textOf(v) : canonicalJson([v]);
    } else {
      kv = {};
      const vals: unknown[] = [];
      for (const f of fields) {
        const v = ownField(e.v, f);
        setOwnField(kv, f, v); // "__proto__" stays a field
        vals.push(v);
      }
      k = canonicalJson(vals);
    }
    return emit(elem({ v: e.v, t: e.t, c: e.c, sk: e.sk, k, kv, pk: e.pk, pkv: e.pkv, origin: e.origin }));
  });
};

/** Stages that only pass elements on (window assignment happens in the keyed stage that reads it). */
export const passOp = (id: string, ctx: EngineContext, emit: Emit): Operator =>
  perElement(id, ctx, emit, (e, m) => {
    m.out++;
    return emit(e);
  });
