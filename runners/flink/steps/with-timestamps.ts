/**
 * `withTimestamps`: the event time from the expression, and the source clock
 * as a running maximum of event time per source key over arrival order
 * (§3): `MAX(_t) OVER (PARTITION BY _src, _sk ORDER BY _line ROWS BETWEEN
 * UNBOUNDED PRECEDING AND CURRENT ROW)` — the current row included, as the
 * contract says ("including the element being processed"). Rows whose time
 * is not a finite number (the expression is null then: arithmetic that is
 * not finite yields null, §15) go to this stage's dead letters first, so
 * they advance no clock.
 *
 * @module
 */
import type { WithTimestampsNode } from "../../../src/plan/ir.ts";
import { metaColumns, selectList } from "../rel.ts";
import type { Rel } from "../rel.ts";
import { fileTable, view } from "../sql.ts";
import type { StepFn } from "../step.ts";
import { refuse, sqlType } from "../step.ts";
import { sqlOf } from "./scope.ts";

/** The step of a withTimestamps. */
export const withTimestampsStep: StepFn<WithTimestampsNode> = (n, [input], b) => {
  if (input!.pane !== null) return refuse(n.id, "a withTimestamps after a combine is not in the Flink slice yet");
  // The outputs of one record share its `_line`: their order, which this stage reads, has no column.
  if (input!.fanned) return refuse(n.id, "a withTimestamps after a flatMap is not in the Flink slice yet (the order among one record's items has no column)");
  // A source reaching a flatten along two paths gives twin rows with one `_line`: the clock's order between
  // them is the DirectRunner's depth-first one, which SQL has no column for.
  if (new Set(input!.sources).size < input!.sources.length)
    return refuse(n.id, "a withTimestamps after a flatten that reads one source along two paths is not in the Flink slice yet");
  const t = sqlOf(n.id, n.expr, input!, `${n.id}.expr`);
  if (t.kind !== "number" && t.kind !== "null")
    return refuse(n.id, `its event time is a ${t.kind}, never a number: every element would be a dead letter (the Flink slice needs a number expression)`);
  const fieldCols = input!.fields.map((f) => f.column);
  const timed = b.name(`${n.id}_time`);
  b.define(
    view(timed, `SELECT ${selectList([...metaColumns(input!), ...fieldCols], { _t: t.kind === "null" ? "CAST(NULL AS DOUBLE)" : t.sql })} FROM ${input!.view}`),
  );

  const dead = b.name(`dl_${n.id}`);
  const deadCols: [string, string][] = [
    ["_line", "BIGINT"],
    ["_src", "STRING"],
    ["_raw", "STRING"],
    ...input!.fields.map((f): [string, string] => [f.column, sqlType(f.kind)]),
  ];
  const path = b.path("out", dead);
  b.define(fileTable(dead, deadCols, path));
  b.insert(`INSERT INTO ${dead} SELECT ${deadCols.map(([c]) => c).join(", ")} FROM ${timed} WHERE _t IS NULL`);
  b.output({
    kind: "deadLetters",
    what: "eventTime",
    stage: n.id,
    table: dead,
    path,
    raw: input!.raw,
    overlay: input!.overlay ?? [],
    fields: input!.fields,
    pane: null,
  });

  const rel: Rel = { ...input!, view: b.name(n.id) };
  const clock = "MAX(_t) OVER (PARTITION BY _src, _sk ORDER BY _line ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)";
  b.define(view(rel.view, `SELECT ${selectList([...metaColumns(rel), ...fieldCols], { _c: clock })} FROM ${timed} WHERE _t IS NOT NULL`));
  return rel;
};
