/**
 * `combine` (and `groupByKey`, which compiles to it): one row per key and
 * window holding the key fields, the window bounds when windowed, and each
 * aggregate.
 *
 * @module
 */
import { builtinCombiner } from "../../combine/builtins.ts";
import type { Combiner } from "../../combine/types.ts";
import { compileExpr } from "../../expr/compile-js.ts";
import type { CombineNode, WindowNode } from "../../plan/ir.ts";
import type { Elem } from "../elem.ts";
import type { Emit, EngineContext, Operator } from "../operator.ts";
import { copyFields, setOwnField } from "../../core/fields.ts";
import { deadLetterOnExpressionError } from "./stateless.ts";
import { windowedOp } from "../windowed.ts";
import type { WindowAggregation } from "../windowed.ts";

/** The operator. */
export const combineOp = (n: CombineNode, window: WindowNode | null, exactCleanup: boolean, ctx: EngineContext, emit: Emit): Operator => {
  const names = n.aggs.map(([name]) => name);
  const combiners: Combiner[] = n.aggs.map(([, a]) =>
    a.fn === "custom" ? (ctx.registry.combiners.get(a.combiner)! as unknown as Combiner) : builtinCombiner(a),
  );
  const inputs = n.aggs.map(([, a]) => (a.fn === "count" ? () => null : compileExpr(a.input)));
  const count = combiners.length;
  const evalInputs = (v: unknown): unknown[] => inputs.map((f) => f(v));
  // The inputs of the element being processed, computed before windowing (as the batch runner does):
  // an expression that fails makes the element a dead letter, before it is judged late or added anywhere.
  let current: { readonly e: Elem; readonly values: unknown[] } | undefined;
  const agg: WindowAggregation<unknown[]> = {
    create: () => combiners.map((c) => c.create()),
    add: (acc, e) => {
      const values = current?.e === e ? current.values : evalInputs(e.v);
      for (let i = 0; i < count; i++) acc[i] = combiners[i]!.add(acc[i], values[i], e.t);
      return acc;
    },
    merge: (a, b) => a.map((x, i) => combiners[i]!.merge(x, b[i])),
    rows: (kv, w, acc, windowed) => {
      const row = copyFields(kv);
      if (windowed) {
        row.windowStart = Number.isFinite(w.start) ? w.start : null;
        row.windowEnd = Number.isFinite(w.end) ? w.end : null;
      }
      for (let i = 0; i < count; i++) setOwnField(row, names[i]!, combiners[i]!.extract(acc[i]));
      return [row];
    },
  };
  const op = windowedOp({ id: n.id, windows: [window], agg, exactCleanup }, ctx, emit);
  return {
    ...op,
    process: (e, port) => {
      if (e.marker) return op.process(e, port);
      try {
        current = { e, values: evalInputs(e.v) };
      } catch (err) {
        const m = ctx.metrics(n.id);
        m.in++;
        return deadLetterOnExpressionError(err, e, n.id, ctx, m);
      }
      try {
        return op.process(e, port);
      } finally {
        current = undefined;
      }
    },
  };
};
