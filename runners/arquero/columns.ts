/**
 * How elements are laid out as arquero columns.
 *
 * Each top-level field of the element values is a column named `"." + field`
 * (`undefined` where a row lacks the field, so `{}` and `{a: null}` stay
 * different); the prefix keeps user fields apart from the runner's own
 * columns, which never start with ".", and makes a field named `__proto__`
 * a safe column name. An element that is not an object (an executor may
 * return one) has its value in the `_x` column instead.
 *
 * Every table a step hands on is reified (no pending filter or order) and
 * its rows are in **arrival order**: sorted by `_i`, then `_j`. Steps keep
 * that order, so ordered window functions can run per group without a sort.
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import type { ArqueroScope } from "../../src/expr/compile-arquero.ts";

/** The runner's own columns. */
export const COL = {
  /** Arrival: the input record's rank in the DirectRunner's interleaving of sources. */
  i: "_i",
  /** Arrival within one input record (flatMap items, in order). */
  j: "_j",
  /** Origin: source (or stage, for panes), offset, Kafka partition. */
  src: "_src",
  off: "_off",
  part: "_part",
  /** Clock id: source name + source key. */
  sk: "_sk",
  /** Event time and source clock. */
  t: "_t",
  c: "_c",
  /** Stage key: its values as canonical JSON (what keyed stages group by), and its field names (one shared array per keyBy). */
  k: "_k",
  kn: "_kn",
  /** Output key of an aggregate's row (string) and its values (for sorting). */
  pk: "_pk",
  pkv: "_pkv",
  /** The value of an element that is not an object. */
  x: "_x",
} as const;

/** The column of field `name`. */
export const fieldColumn = (name: string): string => "." + name;

/** True for a column holding a user field. */
export const isFieldColumn = (column: string): boolean => column.startsWith(".");

/** The field a field column holds. */
export const fieldOf = (column: string): string => column.slice(1);

/** The user fields some row of `table` may hold. */
export const fieldsOf = (table: ColumnTable): string[] => table.columnNames().filter(isFieldColumn).map(fieldOf);

/** True when some element of `table` is not an object. */
export const hasExotic = (table: ColumnTable): boolean => table.columnNames().includes(COL.x);

/** Where the expression compiler finds the fields of `table`'s elements. */
export const scopeOf = (table: ColumnTable): ArqueroScope => ({
  columns: new Map(fieldsOf(table).map((f) => [f, fieldColumn(f)])),
  ...(hasExotic(table) ? { exotic: COL.x } : {}),
});

/** The values of column `name` in row order (the table is reified). */
export const valuesOf = (table: ColumnTable, name: string): unknown[] => table.array(name) as unknown[];

/** The runner's own columns of `table`. */
export const internalColumns = (table: ColumnTable): string[] => table.columnNames().filter((c) => !isFieldColumn(c) && c !== COL.x);

/** `table` with its rows in arrival order, reified. */
export const inArrivalOrder = (table: ColumnTable): ColumnTable => table.orderby(COL.i, COL.j).reify();

/** An empty column of `n` rows (`undefined`: no row has the field). */
export const absent = (n: number): undefined[] => new Array<undefined>(n);

/**
 * Tables with the union of their columns (missing ones absent), so that
 * `concat` keeps every column (it takes the first table's names).
 */
export const alignColumns = (tables: readonly ColumnTable[]): ColumnTable[] => {
  const names = [...new Set(tables.flatMap((t) => t.columnNames()))];
  return tables.map((t) => {
    const missing = names.filter((n) => !t.columnNames().includes(n));
    return missing.length === 0 ? t : t.assign(Object.fromEntries(missing.map((n) => [n, absent(t.numRows())])));
  });
};

/** A table from named columns. */
export const tableOf = (columns: Record<string, unknown[]>): ColumnTable => aq.table(columns);

/**
 * `table.groupby(...keys).rollup(spec)`, with no rows for no groups: arquero
 * gives a grouped table without rows one output row.
 */
export const rollupBy = (table: ColumnTable, keys: readonly string[], spec: Record<string, string>): ColumnTable => {
  if (table.numRows() === 0) return tableOf(Object.fromEntries([...keys, ...Object.keys(spec)].map((c) => [c, []])));
  const names = table.groups()?.names;
  const grouped = names !== undefined && names.length === keys.length && names.every((n, i) => n === keys[i]);
  return (grouped ? table : table.groupby(...keys)).rollup(spec);
};
