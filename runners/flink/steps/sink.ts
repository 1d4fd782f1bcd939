/**
 * `sink`: a filesystem table of the rows that reach it, with what the
 * runner needs to rebuild each element (`_raw`, or the field columns) and
 * its output key (`_pk0…`, `_pws`, `_pwe` after a combine); the runner
 * reads the part files back and sorts them into the final view with the
 * engine's own `FinalView` (§11).
 *
 * @module
 */
import type { SinkNode } from "../../../src/plan/ir.ts";
import type { Rel } from "../rel.ts";
import { fileTable } from "../sql.ts";
import type { StepFn } from "../step.ts";
import { sqlType } from "../step.ts";

/** The step of a sink. */
export const sinkStep: StepFn<SinkNode> = (n, [input], b) => {
  const rel = input!;
  const table = b.name(`out_${n.id}`);
  const columns: [string, string][] = [
    ["_raw", "STRING"],
    ...rel.fields.map((f): [string, string] => [f.column, sqlType(f.kind)]),
    ...(rel.pane
      ? [
          ...rel.pane.keys.map((k, i): [string, string] => [`_pk${i}`, sqlType(k.kind)]),
          ["_pws", "DOUBLE"] as [string, string],
          ["_pwe", "DOUBLE"] as [string, string],
        ]
      : []),
  ];
  const path = b.path("out", table);
  b.define(fileTable(table, columns, path));
  b.insert(`INSERT INTO ${table} SELECT ${columns.map(([c]) => c).join(", ")} FROM ${rel.view}`);
  b.output({ kind: "sink", stage: n.id, table, path, raw: rel.raw, overlay: rel.overlay ?? [], fields: rel.fields, pane: rel.pane });
  return rel satisfies Rel;
};
