/**
 * `source` and `table`: the decoded input, read before the plan runs (see
 * `inputs.ts`).
 *
 * @module
 */
import type { SourceNode, TableNode } from "../../../src/plan/ir.ts";
import type { Step } from "../step.ts";

/** The step of a source or table. */
export const sourceStep = (n: SourceNode | TableNode): Step => ({
  stage: n.id,
  op: n.op,
  mode: "edge",
  verbs: [
    `read records in file order and decode each with the ${n.op}'s io-ts codec (row at a time); rejects → dead letters`,
    n.op === "source"
      ? `table({ fields…, _i: arrival rank, _sk: ${n.key.length > 0 ? `source key (${n.key.join(", ")})` : "the source"}, _t: 0, _c: -Infinity })`
      : "table({ fields… }) — versions for point-in-time lookups",
  ],
  fallbacks: [],
  run: (_inputs, rt) => rt.inputs.get(n.id)!,
});
