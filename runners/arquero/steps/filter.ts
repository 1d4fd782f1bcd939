/**
 * `filter`: keeps the elements whose condition is exactly `true`.
 *
 * @module
 */
import type { FilterNode } from "../../../src/plan/ir.ts";
import { exprSource, fallbackOf, filterExpr } from "../expressions.ts";
import type { Step } from "../step.ts";

/** The step of a filter: one arquero `filter`. */
export const filterStep = (n: FilterNode): Step => {
  const fb = fallbackOf(n.expr);
  return {
    stage: n.id,
    op: n.op,
    mode: fb ? "row-at-a-time" : "columnar",
    verbs: [`filter(${exprSource(n.expr, true)})`],
    fallbacks: fb ? [fb] : [],
    run: ([input], rt) => {
      const out = filterExpr(input!, n.expr, n.id, rt);
      const m = rt.metrics(n.id);
      m.in += input!.numRows();
      m.out += out.numRows();
      return out;
    },
  };
};
