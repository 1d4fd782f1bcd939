/**
 * `dedupe`: the first element per id in arrival order passes. Without a ttl
 * that is `row_number() === 1` per id (rows are in arrival order). With a
 * ttl an id is forgotten once an arriving element's source clock is `ttl`
 * past the event time of the one that last passed — each decision depends
 * on the previous one, so it is a sequential scan over two columns.
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import * as aq from "arquero";
import type { DedupeNode } from "../../../src/plan/ir.ts";
import { COL, fieldColumn, valuesOf } from "../columns.ts";
import type { Step } from "../step.ts";

const TTL = "dedupe with a ttl: whether an element passes depends on which earlier one passed (a sequential scan)";

/** The arquero expression of an element's id (canonical JSON, as the DirectRunner keys it). */
const idExpr = (by: readonly string[], present: (c: string) => boolean): string => {
  const vals = by.map((f) => (present(fieldColumn(f)) ? `(d[${JSON.stringify(fieldColumn(f))}] ?? null)` : "null"));
  return by.length === 1 ? `d => op.ls_json(${vals[0]})` : `d => op.ls_json([${vals.join(", ")}])`;
};

const AFTER_PANES =
  "dedupe reads the panes of an aggregate that may fire more than once: the DirectRunner also dedupes its intermediate panes (which vary with arrival order), this runner only the final ones, so the two can differ (docs/arquero-runner.md, known gaps)";

/** The step of a dedupe; `afterPanes`: its input may hold several panes per output key. */
export const dedupeStep = (n: DedupeNode, afterPanes: boolean): Step => ({
  stage: n.id,
  op: n.op,
  mode: n.ttl === undefined ? "columnar" : "row-at-a-time",
  verbs: [
    `derive({ _id: ${idExpr(n.by, () => true)} })`,
    n.ttl === undefined
      ? `groupby("_id").filter(() => op.row_number() === 1) — rows are in arrival order`
      : `scan _id, ${COL.t}, ${COL.c} in arrival order: pass unless seen and ${COL.c} < first ${COL.t} + ${n.ttl} (row at a time)`,
  ],
  fallbacks: n.ttl === undefined ? [] : [TTL],
  warnings: afterPanes ? [AFTER_PANES] : [],
  run: ([input], rt) => {
    if (afterPanes) rt.log(`stage "${n.id}": warning: ${AFTER_PANES}`);
    const names = new Set(input!.columnNames());
    const t = input!.derive({ _id: idExpr(n.by, (c) => names.has(c)) });
    let out: ColumnTable;
    if (n.ttl === undefined) {
      out = t.groupby("_id").filter("() => op.row_number() === 1").ungroup().reify();
    } else {
      rt.log(`stage "${n.id}": ${TTL}; it runs row at a time`);
      const ttl = n.ttl;
      const ids = valuesOf(t, "_id") as string[];
      const ts = valuesOf(t, COL.t) as number[];
      const cs = valuesOf(t, COL.c) as number[];
      const seen = new Map<string, number>();
      const keep: number[] = [];
      for (let r = 0; r < ids.length; r++) {
        const first = seen.get(ids[r]!);
        if (first !== undefined && cs[r]! < first + ttl) continue;
        seen.set(ids[r]!, ts[r]!);
        keep.push(r);
      }
      out = t.reify(keep);
    }
    out = out.select(aq.not("_id")).reify();
    const m = rt.metrics(n.id);
    m.in += input!.numRows();
    m.out += out.numRows();
    m.duplicates += input!.numRows() - out.numRows();
    return out;
  },
});
