/**
 * `sink`: the final view (§11) of the rows that reach it, through the
 * engine's own `FinalView` so output order and the pane rules are the
 * DirectRunner's: rows of a keyed aggregate are grouped by output key (each
 * output key holds the rows of its final pane after later stateless stages,
 * so a key whose final row a filter rejected is gone), other rows are kept.
 *
 * @module
 */
import { passRows } from "./pass.ts";
import type { ColumnTable } from "arquero";
import { elem } from "../../../src/engine/elem.ts";
import { FinalView } from "../../../src/engine/final-view.ts";
import type { SinkNode } from "../../../src/plan/ir.ts";
import { COL, valuesOf } from "../columns.ts";
import { elementsOf } from "../rows.ts";
import type { Step } from "../step.ts";

const ORIGIN = { source: "", offset: 0 };

/** The final view of the rows of `table`, sorted. */
export const finalViewOf = (table: ColumnTable): unknown[] => {
  const view = new FinalView();
  const values = elementsOf(table);
  const paned = table.columnNames().includes(COL.pk);
  const pk = paned ? (valuesOf(table, COL.pk) as (string | undefined)[]) : [];
  const pkv = paned ? (valuesOf(table, COL.pkv) as (unknown[] | undefined)[]) : [];
  // Each output key's rows are its final pane already (this runner computes only final panes): no markers needed.
  for (let r = 0; r < values.length; r++) {
    const k = pk[r];
    view.add(elem({ v: values[r], t: 0, c: 0, pk: k, pkv: k === undefined ? undefined : pkv[r], origin: ORIGIN }));
  }
  return view.rows();
};

/** The step of a sink: the table is kept for the final view. */
export const sinkStep = (n: SinkNode): Step => ({
  stage: n.id,
  op: n.op,
  mode: "edge",
  verbs: ["final view: rows by output key (_pk, sorted by _pkv in value order), then canonical JSON"],
  fallbacks: [],
  run: passRows(n.id),
});
