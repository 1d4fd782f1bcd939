/**
 * `withTimestamps`: assigns event time and advances the element's source-key
 * clock, which is what lateness is judged against downstream (see
 * docs/semantics.md, "Lateness").
 *
 * @module
 */
import { canonicalJson } from "../../core/canonical.ts";
import { compileExpr } from "../../expr/compile-js.ts";
import type { WithTimestampsNode } from "../../plan/ir.ts";
import { elem } from "../elem.ts";
import type { Emit, EngineContext, Operator } from "../operator.ts";
import { originFields } from "../operator.ts";
import { perElement } from "./stateless.ts";

/** The operator; clocks live in the state store `clocks` keyed by source key. */
export const withTimestampsOp = (n: WithTimestampsNode, ctx: EngineContext, emit: Emit): Operator => {
  const f = compileExpr(n.expr);
  const clocks = ctx.state.store<number>(n.id, "clocks");
  const op = perElement(n.id, ctx, emit, (e, m) => {
    const t = f(e.v);
    if (typeof t !== "number" || !Number.isFinite(t)) {
      m.deadLetters++;
      ctx.deadLetter({ ...originFields(e.origin), stage: n.id, reason: `event time is ${canonicalJson(t)}, not a finite number of ms`, value: e.v });
      return;
    }
    const prev = clocks.get(e.sk);
    const c = prev === undefined || t > prev ? t : prev;
    if (c !== prev) clocks.set(e.sk, c);
    m.out++;
    return emit(elem({ v: e.v, t, c, sk: e.sk, k: e.k, kv: e.kv, pk: e.pk, pkv: e.pkv, origin: e.origin }));
  });
  return {
    ...op,
    clock: () => {
      let c = -Infinity;
      for (const k of clocks.keys()) c = Math.max(c, clocks.get(k)!);
      return c;
    },
  };
};
