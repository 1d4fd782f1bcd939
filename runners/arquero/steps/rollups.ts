/**
 * The aggregates of a `combine`, as arquero verbs over the kept (element,
 * window) rows grouped by key and window (`_ki`, `_ws`), or by key alone:
 *
 * - `count` → `op.count()`; `min`/`max` → `op.min`/`op.max` of the numeric
 *   inputs; `countDistinct` → `op.distinct` of canonical JSON;
 * - `sum`/`mean` → `ls_fsum`/`ls_fmean`, `first`/`last` → `ls_first`/
 *   `ls_last`, custom combiners → `ls_combiner` (the aggregate extension
 *   point, see `aggregates.ts`);
 * - `topK` → `orderby(desc(x))` + `row_number() ≤ k` + `array_agg`;
 *   `collect` → `array_agg` of (time, value) pairs, ordered by the engine's
 *   collect (§10 tie rules).
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { COL, rollupBy, valuesOf } from "../columns.ts";
import type { AggSpec } from "../../../src/plan/ir.ts";
import type { Combiner } from "../../../src/combine/types.ts";
import { collectCombiner } from "../../../src/combine/builtin/collect.ts";
import type { Json } from "../../../src/expr/ast.ts";
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
      return `${name}: filter(numeric x).orderby(desc(x)).filter(op.row_number() <= ${a.k}).rollup(op.array_agg(x))`;
    case "collect":
      return `${name}: filter(x not null).rollup(op.array_agg([d.${COL.t}, x])) + the engine's collect order`;
    case "custom":
      return `${name}: rollup(op.ls_combiner([x, d.${COL.t}], ${a.combiner})) — the user combiner through arquero's aggregate extension point`;
  }
};

/** Each output row's group id in JavaScript: its group columns' values. */
const groupIds = (table: ColumnTable, keys: readonly string[]): string[] => {
  const cols = keys.map((k) => valuesOf(table, k));
  return Array.from({ length: table.numRows() }, (_, i) => cols.map((c) => String(c[i])).join("|"));
};

/** Values of one ordered sub-rollup by group, `[]` for groups it has no rows for. */
const listsByGroup = (table: ColumnTable, keys: readonly string[], groups: readonly string[]): unknown[] => {
  const v = valuesOf(table, "v") as unknown[][];
  const by = new Map(groupIds(table, keys).map((g, i) => [g, v[i]!]));
  return groups.map((g) => by.get(g) ?? []);
};

/**
 * The input column of each aggregate (`_a{i}`, none for `count`), derived
 * once per element, before windowing multiplies rows.
 */
export const aggInputs = (
  input: ColumnTable,
  aggs: readonly (readonly [string, AggSpec])[],
  stage: string,
  rt: Runtime,
): { table: ColumnTable; inputs: string[] } => {
  const exprs = aggs.flatMap(([, a], i) => (a.fn === "count" ? [] : [[`_a${i}`, a.input] as const]));
  return { table: deriveExprs(input, exprs, stage, rt), inputs: exprs.map(([name]) => name) };
};

/**
 * Computes every aggregate per group of `table` (kept rows with `_k`, `_t`
 * and the columns of {@link aggInputs}), grouped by the columns `keys` —
 * `_ki, _ws` per key and window, or `_k` per key (a table already grouped
 * so is not grouped again). `extra` are columns whose first value per group
 * is wanted too.
 *
 * @returns per group, in group order: the first `_k` and `extra`, and one value array per aggregate
 */
export const rollupAggs = (
  table: ColumnTable,
  aggs: readonly (readonly [string, AggSpec])[],
  rt: Pick<Runtime, "registry">,
  keys: readonly string[],
  extra: readonly string[] = [],
): { first: ColumnTable; values: unknown[][] } => {
  let t = table;
  const derived: Record<string, string> = {};
  const spec: Record<string, string> = {};
  for (const c of [COL.k, ...extra]) if (!keys.includes(c)) spec[c] = `d => op.any(d.${c})`;
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
    const main = rollupBy(t, keys, spec);
    const groups = groupIds(main, keys);
    const values = aggs.map(([, a], i): unknown[] => {
      const x = `d._a${i}`;
      if (a.fn === "topK") {
        const ranked = t
          .filter(`d => op.is_finite(${x})`)
          .derive({ _x0: `d => ${x} + 0` })
          .groupby(...keys)
          .orderby(aq.desc("_x0"))
          .filter(`() => op.row_number() <= ${a.k}`);
        const top = rollupBy(ranked, keys, { v: "d => op.array_agg(d._x0)" });
        return listsByGroup(top, keys, groups);
      }
      if (a.fn === "collect") {
        // Columnar up to the (time, value) pairs; their order — time, then value
        // order on a tie (§10) — is the engine's own collect, so the rule is one.
        const kept = t.derive({ _cj: `d => op.ls_json(${x})` }).filter('d => d._cj !== "null"');
        const all = rollupBy(kept, keys, { v: `d => op.array_agg([d.${COL.t}, d._cj])` });
        return (listsByGroup(all, keys, groups) as [number, string][][]).map((pairs) =>
          collectCombiner.extract(pairs.map(([ts, json]) => [ts, JSON.parse(json) as Json])),
        );
      }
      // arquero's min/max give undefined for no input; the contract says null.
      return (valuesOf(main, `v${i}`) as unknown[]).map((v) => (v === undefined && (a.fn === "min" || a.fn === "max") ? null : v));
    });
    return { first: main, values };
  } finally {
    for (const s of shared) s.release();
  }
};
