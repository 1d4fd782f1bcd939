/**
 * The aggregates of a `combine`, as arquero verbs over the kept (element,
 * window) rows grouped by `_g` (key, or key and window):
 *
 * - `count` → `op.count()`; `min`/`max` → `op.min`/`op.max` of the numeric
 *   inputs; `countDistinct` → `op.distinct` of canonical JSON;
 * - `sum`/`mean` → `ls_fsum`/`ls_fmean`, `first`/`last` → `ls_first`/
 *   `ls_last`, custom combiners → `ls_combiner` (the aggregate extension
 *   point, see `aggregates.ts`);
 * - `topK` → `orderby(desc(x))` + `row_number() ≤ k` + `array_agg`;
 *   `collect` → `orderby(_t, canonical JSON)` + `array_agg` (§10 tie rules).
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { COL, valuesOf } from "../columns.ts";
import type { AggSpec } from "../../../src/plan/ir.ts";
import type { Combiner } from "../../../src/combine/types.ts";
import { shareCombiner } from "../aggregates.ts";
import { deriveExprs } from "../expressions.ts";
import type { Runtime } from "../step.ts";

/** The verbs of aggregate `name`, for `explain`. */
export const aggVerb = (name: string, a: AggSpec): string => {
  switch (a.fn) {
    case "count":
      return `${name}: rollup(op.count())`;
    case "sum":
      return `${name}: rollup(op.ls_fsum(x)) — exact sum`;
    case "mean":
      return `${name}: rollup(op.ls_fmean(x)) — exact sum / count`;
    case "min":
    case "max":
      return `${name}: rollup(op.${a.fn}(numeric x))`;
    case "first":
    case "last":
      return `${name}: rollup(op.ls_${a.fn}(x, d.${COL.t}))`;
    case "countDistinct":
      return `${name}: rollup(op.distinct(canonical JSON of x))`;
    case "topK":
      return `${name}: filter(numeric x).groupby(_g).orderby(desc(x)).filter(op.row_number() <= ${a.k}).rollup(op.array_agg(x))`;
    case "collect":
      return `${name}: filter(x not null).groupby(_g).orderby(d.${COL.t}, canonical JSON).rollup(op.array_agg(x))`;
    case "custom":
      return `${name}: rollup(op.ls_combiner([x, d.${COL.t}], ${a.combiner})) — the user combiner through arquero's aggregate extension point`;
  }
};

/** Values of one ordered sub-rollup by group, `[]` for groups it has no rows for. */
const listsByGroup = (table: ColumnTable, groups: readonly string[]): unknown[] => {
  const g = valuesOf(table, "_g") as string[];
  const v = valuesOf(table, "v") as unknown[][];
  const by = new Map(g.map((x, i) => [x, v[i]!]));
  return groups.map((x) => by.get(x) ?? []);
};

/**
 * Computes every aggregate per group of `table` (grouped by `_g`).
 *
 * @returns the group ids in output order, the first `_k`/`_ws`/`_we` of each
 *   group, and one value array per aggregate
 */
export const rollupAggs = (
  table: ColumnTable,
  aggs: readonly (readonly [string, AggSpec])[],
  stage: string,
  rt: Runtime,
): { groups: string[]; first: ColumnTable; values: unknown[][] } => {
  const inputs = aggs.flatMap(([, a], i) => (a.fn === "count" ? [] : [[`_a${i}`, a.input] as const]));
  let t = deriveExprs(table, inputs, stage, rt);
  const derived: Record<string, string> = {};
  const spec: Record<string, string> = { _k: `d => op.any(d.${COL.k})`, _ws: "d => op.any(d._ws)", _we: "d => op.any(d._we)" };
  const shared: { release: () => void }[] = [];
  aggs.forEach(([, a], i) => {
    const x = `d._a${i}`;
    switch (a.fn) {
      case "count":
        spec[`v${i}`] = "() => op.count()";
        break;
      case "sum":
        spec[`v${i}`] = `d => op.ls_fsum(${x})`;
        break;
      case "mean":
        spec[`v${i}`] = `d => op.ls_fmean(${x})`;
        break;
      case "min":
      case "max":
        derived[`_n${i}`] = `d => op.is_finite(${x}) ? ${x} + 0 : null`;
        spec[`v${i}`] = `d => op.${a.fn}(d._n${i})`;
        break;
      case "first":
      case "last":
        spec[`v${i}`] = `d => op.ls_${a.fn}(${x}, d.${COL.t})`;
        break;
      case "countDistinct":
        derived[`_n${i}`] = `d => { const j = op.ls_json(${x}); return j === "null" ? null : j; }`;
        spec[`v${i}`] = `d => op.distinct(d._n${i}) - (op.valid(d._n${i}) < op.count() ? 1 : 0)`;
        break;
      case "custom": {
        const s = shareCombiner(rt.registry.combiners.get(a.combiner)! as unknown as Combiner);
        shared.push(s);
        derived[`_n${i}`] = `d => [${x}, d.${COL.t}]`;
        spec[`v${i}`] = `d => op.ls_combiner(d._n${i}, ${JSON.stringify(s.key)})`;
        break;
      }
      default:
        break;
    }
  });
  if (Object.keys(derived).length > 0) t = t.derive(derived);
  try {
    const main = t.groupby("_g").rollup(spec);
    const groups = valuesOf(main, "_g") as string[];
    const values = aggs.map(([, a], i): unknown[] => {
      const x = `d._a${i}`;
      if (a.fn === "topK") {
        const top = t
          .filter(`d => op.is_finite(${x})`)
          .derive({ _x0: `d => ${x} + 0` })
          .groupby("_g")
          .orderby(aq.desc("_x0"))
          .filter(`() => op.row_number() <= ${a.k}`)
          .rollup({ v: "d => op.array_agg(d._x0)" });
        return listsByGroup(top, groups);
      }
      if (a.fn === "collect") {
        const all = t
          .derive({ _cj: `d => op.ls_json(${x})` })
          .filter('d => d._cj !== "null"')
          .groupby("_g")
          .orderby(COL.t, "_cj")
          .rollup({ v: "d => op.array_agg(op.parse_json(d._cj))" });
        return listsByGroup(all, groups);
      }
      // arquero's min/max give undefined for no input; the contract says null.
      return (valuesOf(main, `v${i}`) as unknown[]).map((v) => (v === undefined && (a.fn === "min" || a.fn === "max") ? null : v));
    });
    return { groups, first: main.select("_g", "_k", "_ws", "_we"), values };
  } finally {
    for (const s of shared) s.release();
  }
};
