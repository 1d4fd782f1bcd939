/**
 * `lookup`: point-in-time enrichment as an as-of join. Table versions and
 * elements are put in one table, grouped by key and ordered by time, with a
 * version before an element at the same time (`validFrom ≤ t`) and versions
 * of equal `validFrom` by canonical JSON (the last one wins); `fill_down`
 * then gives every element the latest version at or before its time. The
 * chosen version's `take` fields are joined back by version index (§10).
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import type { LookupNode, TableNode } from "../../../src/plan/ir.ts";
import { COL, alignColumns, fieldColumn, fieldOf, isFieldColumn } from "../columns.ts";
import type { Step } from "../step.ts";

/** `d => <field value or null>` for a field that may have no column. */
const read = (table: ColumnTable, field: string): string =>
  table.columnNames().includes(fieldColumn(field)) ? `(d[${JSON.stringify(fieldColumn(field))}] ?? null)` : "null";

/**
 * The table's versions as `_lk, _lt, _lo, _lj, _lv`, and the take columns
 * `_tk0…` by version index. Every row has a finite `validFrom`: the others
 * were dead letters when the table was read.
 */
const versionsOf = (rows: ColumnTable, n: LookupNode, table: TableNode): { index: ColumnTable; values: ColumnTable } => {
  const names = rows.columnNames().filter(isFieldColumn);
  const rowJson = `(d, $) => op.ls_objjson(${["$.names", ...names.map((c) => `d[${JSON.stringify(c)}]`)].join(", ")})`;
  const all = rows.params({ names: names.map(fieldOf) }).derive({
    _lv: "() => op.row_number() - 1",
    _lk: `d => op.ls_json(${read(rows, table.key)})`,
    _lt: `d => ${read(rows, table.validFrom)}`,
    _lo: "() => 0",
    _lj: rowJson,
  });
  const take = Object.fromEntries(n.take.map(([, f], i) => [`_tk${i}`, `d => ${read(rows, f)}`]));
  return { index: all.select("_lk", "_lt", "_lo", "_lj", "_lv"), values: all.derive(take).select(["_lv", ...Object.keys(take)]) };
};

/** The step of a lookup. */
export const lookupStep = (n: LookupNode, table: TableNode): Step => ({
  stage: n.id,
  op: n.op,
  mode: "columnar",
  verbs: [
    `versions of ${table.id}: derive({ _lk: op.ls_json(key), _lt: ${table.validFrom}, _lo: 0, _lj: canonical JSON, _lv: op.row_number() - 1 })`,
    `elements: derive({ _lk: op.ls_json(d[${JSON.stringify(fieldColumn(n.on))}] ?? null), _lt: d.${COL.t}, _lo: 1 })`,
    `concat(versions, elements).groupby("_lk").orderby("_lt", "_lo", "_lj").derive({ _lv: d => op.fill_down(d._lv) })`,
    `lookup(versions, "_lv", take: ${n.take.map(([to, from]) => `${to} ← ${from}`).join(", ")})`,
  ],
  fallbacks: [],
  run: ([input], rt) => {
    const elements = input!.derive({ _le: "() => op.row_number() - 1" });
    const { index, values } = versionsOf(rt.inputs.get(table.id)!, n, table);
    const probes = elements
      .derive({ _lk: `d => op.ls_json(${read(input!, n.on)})`, _lt: `d => d.${COL.t}`, _lo: "() => 1", _lj: '() => ""' })
      .select("_lk", "_lt", "_lo", "_lj", "_le");
    const [a, b] = alignColumns([index, probes]);
    const chosen = a!
      .concat(b!)
      .groupby("_lk")
      .orderby("_lt", "_lo", "_lj")
      .derive({ _lv: "d => op.fill_down(d._lv)" })
      .ungroup()
      .filter("d => d._lo === 1")
      .select("_le", "_lv")
      .reify();
    const takeCols = n.take.map((_, i) => `_tk${i}`);
    const out = elements
      .lookup(chosen, "_le", "_lv")
      .lookup(values, "_lv", ...takeCols)
      .derive(Object.fromEntries(n.take.map(([to], i) => [fieldColumn(to), `d => d._tk${i} ?? null`])))
      .select(aq.not("_le", "_lv", ...takeCols))
      .reify();
    const m = rt.metrics(n.id);
    m.in += input!.numRows();
    m.out += out.numRows();
    return out;
  },
});
