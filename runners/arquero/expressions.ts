/**
 * Evaluating plan expressions over a table: as generated arquero expression
 * strings (`derive`, `filter`), or — for the rare expression the generator
 * cannot express, a pattern computed at run time — through `aq.escape` on
 * only the columns it reads, with a log line saying so.
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { compileArquero, fieldsRead } from "../../src/expr/compile-arquero.ts";
import type { ArqueroFallback } from "../../src/expr/compile-arquero.ts";
import type { Expr } from "../../src/expr/ast.ts";
import { COL, fieldColumn, fieldOf, fieldsOf, hasExotic, isFieldColumn, scopeOf } from "./columns.ts";
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

/** Evaluates a fallback row at a time: `aq.escape` over only the columns it reads. */
const escaped = (table: ColumnTable, fb: ArqueroFallback, stage: string, rt: Runtime): unknown[] => {
  rt.log(`stage "${stage}": an expression uses ${fb.reason}; it runs row at a time through aq.escape`);
  const cols = columnsRead(table, fb);
  // `_i` keeps the row count when the expression reads no column; the escaped function ignores it.
  return table
    .select([COL.i, ...cols])
    .derive({ _e: aq.escape((d: Record<string, unknown>) => fb.fn(elementOfRow(d))) })
    .array("_e") as unknown[];
};

/**
 * `table` with a column added per `[name, expr]`, each the expression's
 * value for the row's element.
 *
 * @param predicate  store `value === true` instead of the value (filters)
 */
export const deriveExprs = (
  table: ColumnTable,
  exprs: readonly (readonly [string, Expr])[],
  stage: string,
  rt: Runtime,
  predicate = false,
): ColumnTable => {
  const scope = scopeOf(table);
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
  if (Object.keys(escapes).length > 0) out = out.assign(escapes);
  return out;
};

/** The rows of `table` whose element makes `expr` exactly `true`. */
export const filterExpr = (table: ColumnTable, expr: Expr, stage: string, rt: Runtime): ColumnTable => {
  const c = compileArquero(expr, scopeOf(table), { predicate: true, params: `p${calls++}_` });
  if (!c.fallback) return table.params(c.params).filter(c.source).reify();
  const keep = escaped(table, c.fallback, stage, rt);
  return table.assign({ _f: keep }).filter("d => d._f").select(aq.not("_f")).reify();
};

/** The arquero source generated for `expr`, for `explain` (fields mapped to their columns). */
export const exprSource = (expr: Expr, predicate = false): string => {
  const read = fieldsRead(expr);
  const columns = new Map((read === "all" ? [] : read).map((f) => [f, fieldColumn(f)]));
  const c = compileArquero(expr, { columns }, { predicate });
  return c.fallback ? `aq.escape(<compiled JavaScript>) — ${c.fallback.reason}` : c.source;
};
