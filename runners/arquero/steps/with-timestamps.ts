/**
 * `withTimestamps`: the event time from an expression, and the source clock
 * as a running maximum of event time per source key over arrival order —
 * an ordered window function, since rows are in arrival order (§3).
 * Elements whose time is not a finite number go to the dead letters first,
 * so they advance no clock.
 *
 * @module
 */
import * as aq from "arquero";
import { canonicalJson } from "../../../src/core/canonical.ts";
import type { WithTimestampsNode } from "../../../src/plan/ir.ts";
import { COL, valuesOf } from "../columns.ts";
import { deriveExprs, exprSource, fallbackOf } from "../expressions.ts";
import { deadLetterRows } from "../side-outputs.ts";
import type { Step } from "../step.ts";

/** The step of a withTimestamps. */
export const withTimestampsStep = (n: WithTimestampsNode): Step => {
  const fb = fallbackOf(n.expr);
  return {
    stage: n.id,
    op: n.op,
    mode: fb ? "row-at-a-time" : "columnar",
    verbs: [
      `derive({ _nt: ${exprSource(n.expr)} })`,
      "filter(d => !op.is_finite(d._nt)) → dead letters",
      "filter(d => op.is_finite(d._nt)).derive({ _t: d => d._nt })",
      `groupby("${COL.sk}").derive({ ${COL.c}: rolling(d => op.max(d.${COL.t}), [-Infinity, 0]) }) — rows are in arrival order`,
    ],
    fallbacks: fb ? [fb] : [],
    run: ([input], rt) => {
      const t = deriveExprs(input!, [["_nt", n.expr]], n.id, rt);
      const bad = t.filter("d => !op.is_finite(d._nt)").reify();
      const times = valuesOf(bad, "_nt");
      deadLetterRows(bad, n.id, rt, (r) => `event time is ${canonicalJson(times[r])}, not a finite number of ms`);
      const out = t
        .filter("d => op.is_finite(d._nt)")
        .derive({ [COL.t]: "d => d._nt" })
        .select(aq.not("_nt"))
        .reify()
        .groupby(COL.sk)
        .derive({ [COL.c]: aq.rolling(`d => op.max(d.${COL.t})`, [-Infinity, 0]) })
        .ungroup();
      const m = rt.metrics(n.id);
      m.in += input!.numRows();
      m.out += out.numRows();
      return out;
    },
  };
};
