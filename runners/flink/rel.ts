/**
 * What the Flink compiler knows about one stage's rows (a {@link Rel}): the
 * SQL view holding them, the element's fields as typed columns, and the
 * meta columns every view carries.
 *
 * Meta columns (names start with `_`; element fields are `f0`, `f1`, … so a
 * field name — which is data, §1 — never reaches the SQL text):
 * - `_line` BIGINT: the record's offset in its source (1-based line), which
 *   is also its arrival order within the source (§2);
 * - `_src` STRING: the source it came from (several after a flatten);
 * - `_sk` STRING: the source key as text (the clock's substream, §3);
 * - `_raw` STRING: the decoded record's canonical JSON while no stage has
 *   rebuilt the element (a map or combine), so undeclared fields, missing
 *   fields and explicit nulls come out exactly as they went in;
 * - `_t` DOUBLE: the event time (0 before any withTimestamps);
 * - `_c` DOUBLE: the source clock (NULL standing for −∞ before any withTimestamps);
 * - `_k0…` after a keyBy: the key values, which travel with the element (§6);
 * - `_pk0…`, `_pws`, `_pwe` after a combine: the output key of the pane (§11).
 *
 * @module
 */
import type { SqlKind } from "../../src/expr/compile-sql.ts";

/** An element field with its SQL column. */
export interface FieldColumn {
  /** The field name (data). */
  readonly name: string;
  /** The SQL column (`f0`, …). */
  readonly column: string;
  /** Its kind; `null` for a column that is null in every row. */
  readonly kind: SqlKind | "null";
}

/** The output key a combine gave its rows: key columns and whether window bounds belong to it. */
export interface PaneKey {
  readonly keys: readonly { readonly column: string; readonly kind: SqlKind | "null" }[];
  /** True when `_pws`/`_pwe` are part of the output key (a window stage upstream of the combine). */
  readonly windowed: boolean;
}

/** One stage's rows. */
export interface Rel {
  /** The SQL view (or table) holding the rows. */
  readonly view: string;
  /** The sources the rows come from (several after a flatten, each row says which in `_src`; a source reaching it along two paths is listed twice). */
  readonly sources: readonly string[];
  /** The fields that have a SQL column, in element order; others read as refused (`unsupported`). */
  readonly fields: readonly FieldColumn[];
  /** Fields of the row type that have no SQL column, with the reason (nested values, unions). */
  readonly unsupported: ReadonlyMap<string, string>;
  /** True while the element is the source record itself (`_raw`); false once rebuilt from `fields`. */
  readonly raw: boolean;
  /**
   * Fields set over `_raw` from their columns (a lookup's `take`), in order: the element is the
   * record with these fields replaced or added. Empty or absent while `_raw` is the element.
   */
  readonly overlay?: readonly string[];
  /**
   * True after a flatMap: rows made of one record share its `_line`, so the order among them
   * (which a clock or a dedupe reads) has no column; such stages are refused.
   */
  readonly fanned?: boolean;
  /** The key columns' kinds after a keyBy (`_k0…`), else null. */
  readonly key: readonly (SqlKind | "null")[] | null;
  /** Set after a combine: the rows are final panes with this output key. */
  readonly pane: PaneKey | null;
}

/** The meta columns of `rel`, in order (see the module docs). */
export const metaColumns = (rel: Pick<Rel, "key" | "pane">): string[] => [
  "_line",
  "_src",
  "_sk",
  "_raw",
  "_t",
  "_c",
  ...(rel.key ?? []).map((_, i) => `_k${i}`),
  ...(rel.pane ? [...rel.pane.keys.map((_, i) => `_pk${i}`), "_pws", "_pwe"] : []),
];

/** Every column of `rel` (meta, then fields), for `SELECT` lists. */
export const allColumns = (rel: Rel): string[] => [...metaColumns(rel), ...rel.fields.map((f) => f.column)];

/**
 * A select list of `rel`'s columns with some replaced: `replace` maps a
 * column name to the SQL computing it (written `expr AS name`).
 */
export const selectList = (columns: readonly string[], replace: Readonly<Record<string, string>> = {}): string =>
  columns.map((c) => (Object.hasOwn(replace, c) ? `${replace[c]} AS ${c}` : c)).join(", ");
