/**
 * `flatMap`: one element per item of the array an expression yields, in
 * array order (`unroll`). A null array yields nothing; a non-array is a dead
 * letter. With `as` each item becomes the field `as`; without it the items
 * must be objects, whose fields are only known row by row.
 *
 * Arrival: items of one input record keep its `_i` and are numbered in
 * order in `_j` (row_number within `_i`: rows are in arrival order).
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import { canonicalJson } from "../../../src/core/canonical.ts";
import type { FlatMapNode } from "../../../src/plan/ir.ts";
import { COL, fieldColumn, internalColumns, valuesOf } from "../columns.ts";
import { deriveExprs, exprSource, fallbackOf } from "../expressions.ts";
import { columnsOfValues } from "../rows.ts";
import { deadLetterRows } from "../side-outputs.ts";
import type { Runtime, Step } from "../step.ts";
import { isObject } from "../../../src/core/fields.ts";

const UNWRAPPED = "flatMap without `as`: the fields of its object items are only known row by row";

/** Items without `as`: non-objects are dead letters, objects become the element. */
const unwrapped = (rows: ColumnTable, n: FlatMapNode, rt: Runtime): ColumnTable => {
  rt.log(`stage "${n.id}": ${UNWRAPPED}; its output columns are built row at a time`);
  const items = valuesOf(rows, "_fm");
  const good: number[] = [];
  const badRows: number[] = [];
  items.forEach((v, r) => (isObject(v) ? good : badRows).push(r));
  const rejected = rows.reify(badRows);
  const badItems = badRows.map((r) => items[r]);
  deadLetterRows(rejected, n.id, rt, (r) => `flatMap item ${canonicalJson(badItems[r]).slice(0, 40)} is not an object; set "as" to wrap items`);
  const kept = rows.reify(good);
  return kept
    .select(internalColumns(kept))
    .assign(columnsOfValues(good.map((r) => items[r])))
    .reify();
};

/** The step of a flatMap. */
export const flatMapStep = (n: FlatMapNode): Step => {
  const fbs = [fallbackOf(n.expr), n.as === undefined ? UNWRAPPED : undefined].filter((x): x is string => x !== undefined);
  return {
    stage: n.id,
    op: n.op,
    mode: fbs.length > 0 ? "row-at-a-time" : "columnar",
    verbs: [
      `derive({ _fm: ${exprSource(n.expr)} })`,
      "filter(non-null, non-array _fm) → dead letters",
      `filter(d => op.ls_isarr(d._fm)).unroll("_fm")`,
      n.as === undefined
        ? "explode object items into field columns (row at a time)"
        : `select(internal columns, _fm).rename({ _fm: ${JSON.stringify(fieldColumn(n.as))} })`,
      `groupby("${COL.i}").derive({ ${COL.j}: () => op.row_number() - 1 })`,
    ],
    fallbacks: fbs,
    run: ([input], rt) => {
      const t = deriveExprs(input!, [["_fm", n.expr]], n.id, rt);
      const bad = t.filter("d => d._fm !== null && !op.ls_isarr(d._fm)").reify();
      const items = valuesOf(bad, "_fm");
      deadLetterRows(bad, n.id, rt, (r) => `flatMap expression gave ${canonicalJson(items[r]).slice(0, 40)}, not an array`);
      const rows = t.filter("d => op.ls_isarr(d._fm)").unroll("_fm").reify();
      const out =
        n.as === undefined
          ? unwrapped(rows, n, rt)
          : rows
              .select([...internalColumns(input!), "_fm"])
              .rename({ _fm: fieldColumn(n.as) })
              .reify();
      const numbered = out
        .groupby(COL.i)
        .derive({ [COL.j]: "() => op.row_number() - 1" })
        .ungroup()
        .reify();
      const m = rt.metrics(n.id);
      m.in += input!.numRows();
      m.out += numbered.numRows();
      return numbered;
    },
  };
};
