/**
 * Evaluating plan expressions over a table: as generated arquero expression
 * strings (`derive`, `filter`), or — for the rare expression the generator
 * cannot express, a pattern computed at run time — through `aq.escape` on
 * only the columns it reads, with a log line saying so. A row whose
 * computed pattern is not valid RE2 is a dead letter of the stage, as on
 * the DirectRunner.
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { compileArquero, fieldsRead } from "../../src/expr/compile-arquero.ts";
import type { ArqueroFallback } from "../../src/expr/compile-arquero.ts";
import type { Expr } from "../../src/expr/ast.ts";
import { ExpressionError } from "../../src/expr/regex.ts";
import { COL, fieldColumn, fieldOf, fieldsOf, hasExotic, isFieldColumn, scopeOf } from "./columns.ts";
import { deadLetterRows } from "./side-outputs.ts";
import type { Runtime } from "./step.ts";

let calls = 0;

/** Why `expr` cannot be columnar, or undefined when it can (decided by the AST alone). */
export const fallbackOf = (expr: Expr): string | undefined => compileArquero(expr, { columns: new Map() }).fallback?.reason;

/** The element an escaped row object (`{".a": …, "_x": …}`) stands for. */
const elementOfRow = (d: Record<string, unknown>): unknown => {
  const x = d[COL.x];
  if (x !== undefined) return x;
  const entries: [string, unknown][] = [];
  for (const c of Object.keys(d)) if (isFieldColumn(c) && d[c] !== undefined) entries.push([fieldOf(c), d[c]]);
  return Object.fromEntries(entries);
};

/** The columns a fallback reads, present in `table`. */
const columnsRead = (table: ColumnTable, fb: ArqueroFallback): string[] => {
  const fields = fb.fields === "all" ? fieldsOf(table) : fb.fields.filter((f) => table.columnNames().includes(fieldColumn(f)));
  return [...fields.map(fieldColumn), ...(hasExotic(table) && fb.fields === "all" ? [COL.x] : [])];
};

/** Marks a row whose expression failed (an invalid regex computed from the row): its dead-letter reason. */
class Failed {
  constructor(readonly reason: string) {}
}

/** Evaluates a fallback row at a time: `aq.escape` over only the columns it reads; a failing row gives a {@link Failed}. */
const escaped = (table: ColumnTable, fb: ArqueroFallback, stage: string, rt: Runtime): unknown[] => {
  rt.log(`stage "${stage}": an expression uses ${fb.reason}; it runs row at a time through aq.escape`);
  const cols = columnsRead(table, fb);
  const evaluate = (d: Record<string, unknown>): unknown => {
    try {
      return fb.fn(elementOfRow(d));
    } catch (err) {
      if (err instanceof ExpressionError) return new Failed(err.message);
      throw err;
    }
  };
  // `_i` keeps the row count when the expression reads no column; the escaped function ignores it.
  return table
    .select([COL.i, ...cols])
    .derive({ _e: aq.escape(evaluate) })
    .array("_e") as unknown[];
};

/**
 * Sends the rows of `table` where some column of `results` holds a
 * {@link Failed} to the dead letters of `stage` (the first failure's reason,
 * as the DirectRunner stops at the first) and returns the other row numbers,
 * or `undefined` when no row failed.
 */
const dropFailed = (table: ColumnTable, results: readonly unknown[][], stage: string, rt: Runtime): number[] | undefined => {
  const reasons = new Map<number, string>();
  for (const values of results) {
    values.forEach((v, r) => {
      if (v instanceof Failed && !reasons.has(r)) reasons.set(r, v.reason);
    });
  }
  if (reasons.size === 0) return undefined;
  const failed = [...reasons.keys()].sort((a, b) => a - b);
  deadLetterRows(table.reify(failed), stage, rt, (i) => reasons.get(failed[i]!)!);
  const kept: number[] = [];
  for (let r = 0; r < table.numRows(); r++) if (!reasons.has(r)) kept.push(r);
  return kept;
};

/** `values` at row numbers `rows` (all of them when `rows` is undefined). */
const pick = <T>(values: T[], rows: readonly number[] | undefined): T[] => (rows === undefined ? values : rows.map((r) => values[r]!));

/**
 * `table` with a column added per `[name, expr]`, each the expression's
 * value for the row's element. Rows on which an expression fails (an
 * invalid regex computed from the row) go to the dead letters of `stage`
 * and are not in the result.
 *
 * @param predicate  store `value === true` instead of the value (filters)
 */
export const deriveExprs = (table: ColumnTable, exprs: readonly (readonly [string, Expr])[], stage: string, rt: Runtime, predicate = false): ColumnTable => {
  const scope = scopeOf(table);
  // Row numbers below index the table as it is materialized; a filtered or ordered view would shift them.
  if (exprs.some(([, e]) => fallbackOf(e) !== undefined) && (table.isFiltered() || table.isOrdered())) table = table.reify();
  const sources: Record<string, string> = {};
  const params: Record<string, unknown> = {};
  const escapes: Record<string, unknown[]> = {};
  for (const [name, expr] of exprs) {
    const c = compileArquero(expr, scope, { predicate, params: `p${calls++}_` });
    if (c.fallback) escapes[name] = escaped(table, c.fallback, stage, rt);
    else {
      sources[name] = c.source;
      Object.assign(params, c.params);
    }
  }
  let out = Object.keys(sources).length > 0 ? table.params(params).derive(sources) : table;
  if (Object.keys(escapes).length === 0) return out;
  const kept = dropFailed(table, Object.values(escapes), stage, rt);
  if (kept !== undefined) out = out.reify(kept);
  return out.assign(Object.fromEntries(Object.entries(escapes).map(([name, values]) => [name, pick(values, kept)])));
};

/** The rows of `table` whose element makes `expr` exactly `true`; rows on which it fails are dead letters of `stage`. */
export const filterExpr = (table: ColumnTable, expr: Expr, stage: string, rt: Runtime): ColumnTable => {
  const c = compileArquero(expr, scopeOf(table), { predicate: true, params: `p${calls++}_` });
  if (!c.fallback) return table.params(c.params).filter(c.source).reify();
  if (table.isFiltered() || table.isOrdered()) table = table.reify();
  const keep = escaped(table, c.fallback, stage, rt);
  const kept = dropFailed(table, [keep], stage, rt);
  const rows = kept !== undefined ? table.reify(kept) : table;
  return rows
    .assign({ _f: pick(keep, kept) })
    .filter("d => d._f")
    .select(aq.not("_f"))
    .reify();
};

/** The arquero source generated for `expr`, for `explain` (fields mapped to their columns). */
export const exprSource = (expr: Expr, predicate = false): string => {
  const read = fieldsRead(expr);
  const columns = new Map((read === "all" ? [] : read).map((f) => [f, fieldColumn(f)]));
  const c = compileArquero(expr, { columns }, { predicate });
  return c.fallback ? `aq.escape(<compiled JavaScript>) — ${c.fallback.reason}` : c.source;
};
