/**
 * Stateless per-element operators: map, filter, flatMap, keyBy and the
 * pass-through stages (window, flatten). Pane markers pass through untouched.
 *
 * @module
 */
import { canonicalJson } from "../../core/canonical.ts";
import { compileExpr, compilePredicate } from "../../expr/compile-js.ts";
import type { FilterNode, FlatMapNode, KeyByNode, MapNode } from "../../plan/ir.ts";
import { elem, withValue } from "../elem.ts";
import type { Elem } from "../elem.ts";
import { emitAll } from "../emit-all.ts";
import type { Emit, EngineContext, Operator } from "../operator.ts";
import { originFields } from "../operator.ts";

/** `map`: replaces the value with the struct expression's result. */
export const mapOp = (n: MapNode, ctx: EngineContext, emit: Emit): Operator => {
  const f = compileExpr(n.expr);
  const m = ctx.metrics(n.id);
  return {
    id: n.id,
    process: (e) => {
      if (e.marker) return emit(e);
      m.in++;
      m.out++;
      return emit(withValue(e, f(e.v)));
    },
    finish: () => {},
  };
};

/** `filter`: keeps elements whose predicate is exactly true. */
export const filterOp = (n: FilterNode, ctx: EngineContext, emit: Emit): Operator => {
  const p = compilePredicate(n.expr);
  const m = ctx.metrics(n.id);
  return {
    id: n.id,
    process: (e) => {
      if (e.marker) return emit(e);
      m.in++;
      if (!p(e.v)) return;
      m.out++;
      return emit(e);
    },
    finish: () => {},
  };
};

/** `flatMap`: one element per array item; a non-array result yields nothing (null) or a dead letter. */
export const flatMapOp = (n: FlatMapNode, ctx: EngineContext, emit: Emit): Operator => {
  const f = compileExpr(n.expr);
  const m = ctx.metrics(n.id);
  const as = n.as;
  return {
    id: n.id,
    process: (e) => {
      if (e.marker) return emit(e);
      m.in++;
      const items = f(e.v);
      if (items === null) return;
      if (!Array.isArray(items)) {
        m.deadLetters++;
        ctx.deadLetter({ ...originFields(e.origin), stage: n.id, reason: `flatMap expression gave ${canonicalJson(items).slice(0, 40)}, not an array`, value: e.v });
        return;
      }
      const out: Elem[] = [];
      for (const item of items) {
        if (as === undefined && (typeof item !== "object" || item === null || Array.isArray(item))) {
          m.deadLetters++;
          ctx.deadLetter({ ...originFields(e.origin), stage: n.id, reason: `flatMap item ${canonicalJson(item).slice(0, 40)} is not an object; set "as" to wrap items`, value: e.v });
          continue;
        }
        out.push(withValue(e, as === undefined ? item : { [as]: item }));
      }
      m.out += out.length;
      return emitAll(emit, out);
    },
    finish: () => {},
  };
};

/** `keyBy`: sets the key from fields of the value. */
export const keyByOp = (n: KeyByNode, ctx: EngineContext, emit: Emit): Operator => {
  const fields = n.fields;
  const m = ctx.metrics(n.id);
  const one = fields.length === 1 ? fields[0]! : undefined;
  // An object literal with a constant key is much cheaper per element than a computed key;
  // the field name reaches the generated code only through JSON.stringify.
  const keyObject = one === undefined ? undefined : (new Function("v", `return { ${JSON.stringify(one)}: v };`) as (v: unknown) => Record<string, unknown>);
  return {
    id: n.id,
    process: (e) => {
      if (e.marker) return emit(e);
      m.in++;
      m.out++;
      let kv: Record<string, unknown>;
      let k: string;
      if (one !== undefined) {
        const v = e.v[one] ?? null;
        kv = keyObject!(v);
        k = typeof v === "string" ? "[" + JSON.stringify(v) + "]" : canonicalJson([v]);
      } else {
        kv = {};
        const vals: unknown[] = [];
        for (const f of fields) {
          const v = e.v[f] ?? null;
          kv[f] = v;
          vals.push(v);
        }
        k = canonicalJson(vals);
      }
      return emit(elem(e.v, e.t, e.c, e.sk, k, kv, e.pk, e.pkv, false, e.origin));
    },
    finish: () => {},
  };
};

/** Stages that only pass elements on (window assignment happens in the keyed stage that reads it). */
export const passOp = (id: string, ctx: EngineContext, emit: Emit): Operator => {
  const m = ctx.metrics(id);
  return {
    id,
    process: (e) => {
      if (!e.marker) {
        m.in++;
        m.out++;
      }
      return emit(e);
    },
    finish: () => {},
  };
};
