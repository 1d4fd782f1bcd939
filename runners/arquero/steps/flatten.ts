/**
 * `flatten`: the union of streams, back in arrival order.
 *
 * @module
 */
import type { FlattenNode } from "../../../src/plan/ir.ts";
import { COL, alignColumns, inArrivalOrder } from "../columns.ts";
import type { Step } from "../step.ts";

/** The step of a flatten. */
export const flattenStep = (n: FlattenNode): Step => ({
  stage: n.id,
  op: n.op,
  mode: "columnar",
  verbs: [`concat(${n.inputs.join(", ")}).orderby("${COL.i}", "${COL.j}")`],
  fallbacks: [],
  run: (inputs, rt) => {
    const [first, ...rest] = alignColumns(inputs);
    const out = inArrivalOrder(first!.concat(...rest));
    const m = rt.metrics(n.id);
    m.in += out.numRows();
    m.out += out.numRows();
    return out;
  },
});
