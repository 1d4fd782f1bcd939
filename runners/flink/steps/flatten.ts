/**
 * `flatten`: the union of streams (§4) — `UNION ALL` of the inputs' views.
 * Each row keeps its `_src`, `_line` and clock, so side outputs and later
 * clocks stay per source. The inputs must have the same columns (the same
 * fields, kinds and key), as streams built by the same steps over one
 * schema do; others are refused. `sources` keeps repeats: a source that
 * reaches the flatten along two paths (a diamond) is listed twice, so an
 * order-sensitive stage after it can refuse (twin rows share `_line`).
 *
 * @module
 */
import type { FlattenNode } from "../../../src/plan/ir.ts";
import type { Rel } from "../rel.ts";
import { allColumns } from "../rel.ts";
import { view } from "../sql.ts";
import type { StepFn } from "../step.ts";
import { refuse } from "../step.ts";

/** What must be equal for two streams to share one set of columns. */
const layout = (r: Rel): string => JSON.stringify([r.fields, r.raw, r.overlay ?? [], r.key, r.pane, [...r.unsupported]]);

/** The step of a flatten. */
export const flattenStep: StepFn<FlattenNode> = (n, ins, b) => {
  const first = ins[0]!;
  if (ins.some((r) => r.pane !== null)) return refuse(n.id, "a flatten of combine outputs is not in the Flink slice yet");
  if (ins.some((r) => layout(r) !== layout(first)))
    return refuse(n.id, "a flatten of streams with different fields is not in the Flink slice yet (their SQL columns differ)");
  const rel: Rel = { ...first, view: b.name(n.id), sources: ins.flatMap((r) => r.sources) };
  const columns = allColumns(first).join(", ");
  b.define(view(rel.view, ins.map((r) => `SELECT ${columns} FROM ${r.view}`).join(" UNION ALL ")));
  return rel;
};
