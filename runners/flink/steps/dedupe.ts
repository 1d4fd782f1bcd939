/**
 * `dedupe(by)` without a ttl: the first element per id in arrival order
 * passes (§10) — `ROW_NUMBER() OVER (PARTITION BY by ORDER BY _line) = 1`,
 * since a stream here comes from one source, whose arrival order is its
 * line order (the parity condition of §14 makes "first" the same on every
 * runner). Ids are equal by canonical JSON, so a number `-0` is `0`. A ttl
 * (forgetting ids by the source clock) is refused.
 *
 * @module
 */
import type { DedupeNode } from "../../../src/plan/ir.ts";
import type { Rel } from "../rel.ts";
import { allColumns } from "../rel.ts";
import { view } from "../sql.ts";
import type { StepFn } from "../step.ts";
import { refuse } from "../step.ts";

/** The step of a dedupe. */
export const dedupeStep: StepFn<DedupeNode> = (n, [input], b) => {
  if (n.ttl !== undefined) return refuse(n.id, "dedupe with a ttl is not in the Flink slice yet");
  if (input!.pane !== null) return refuse(n.id, "a dedupe after a combine is not in the Flink slice yet");
  // The outputs of one record share its `_line`: their order, which this stage reads, has no column.
  if (input!.fanned) return refuse(n.id, "a dedupe after a flatMap is not in the Flink slice yet (the order among one record's items has no column)");
  // Arrival order between sources (runs of 256 from each in turn) is not carried yet.
  if (input!.sources.length > 1) return refuse(n.id, "a dedupe after a flatten is not in the Flink slice yet");
  const byName = new Map(input!.fields.map((f) => [f.name, f]));
  const ids = n.by.map((name) => {
    const f = byName.get(name);
    if (f === undefined) return refuse(n.id, input!.unsupported.get(name) ?? `the dedupe field "${name}" is not a known column of this stage's rows`);
    return f.kind === "number" ? `CASE WHEN ${f.column} = 0 THEN 0E0 ELSE ${f.column} END` : f.column;
  });
  const rel: Rel = { ...input!, view: b.name(n.id) };
  const columns = allColumns(input!).join(", ");
  const ranked = b.name(`${n.id}_ranked`);
  b.define(view(ranked, `SELECT ${columns}, ROW_NUMBER() OVER (PARTITION BY ${ids.join(", ")} ORDER BY _line) AS _rn FROM ${input!.view}`));
  b.define(view(rel.view, `SELECT ${columns} FROM ${ranked} WHERE _rn = 1`));
  return rel;
};
