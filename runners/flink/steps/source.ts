/**
 * `source`: a filesystem table over the clean JSON lines the runner writes
 * at the edge (decoding, dead letters and line numbers stay in Node, where
 * the one edge rule lives, `src/engine/edge.ts`), and the view every later
 * stage reads: meta columns plus one typed column per declared scalar field.
 *
 * @module
 */
import type { SqlKind } from "../../../src/expr/compile-sql.ts";
import { sqlString } from "../../../src/expr/compile-sql.ts";
import type { SourceNode, TableNode } from "../../../src/plan/ir.ts";
import { describeSchema, fieldsOf } from "../../../src/plan/schema-fields.ts";
import type { SchemaJson } from "../../../src/schema/json-schema.ts";
import type { FieldColumn, Rel } from "../rel.ts";
import { metaColumns, selectList } from "../rel.ts";
import { fileTable, view } from "../sql.ts";
import type { Build, StepFn } from "../step.ts";
import { sqlType } from "../step.ts";
import { topicRows } from "./topic-source.ts";

/** The one SQL kind of a field's schema (nullable allowed), or undefined. */
export const kindOfField = (s: SchemaJson): SqlKind | undefined => {
  if ("anyOf" in s) {
    const kinds = new Set(s.anyOf.filter((m) => !("type" in m && m.type === "null")).map(kindOfField));
    return kinds.size === 1 ? [...kinds][0] : undefined;
  }
  if ("const" in s) return typeof s.const === "number" ? "number" : typeof s.const === "string" ? "string" : "boolean";
  if ("enum" in s) return "string";
  if ("type" in s) {
    if (s.type === "number" || s.type === "integer") return "number";
    if (s.type === "string" || s.type === "boolean") return s.type;
  }
  return undefined;
};

/** The columns of a source's fields, and the fields that have none (with why). */
export const sourceColumns = (n: SourceNode | TableNode): { fields: FieldColumn[]; unsupported: Map<string, string> } => columnsOfSchema(n.schema);

/** The columns of a row type's fields (`f0`, … in order), and the fields that have none (with why). */
export const columnsOfSchema = (row: SchemaJson): { fields: FieldColumn[]; unsupported: Map<string, string> } => {
  const fields: FieldColumn[] = [];
  const unsupported = new Map<string, string>();
  for (const [name, schema] of fieldsOf(row).fields) {
    const kind = kindOfField(schema);
    if (kind === undefined)
      unsupported.set(name, `the field "${name}" is ${describeSchema(schema)}: only numbers, strings and booleans are SQL columns in the Flink slice`);
    else fields.push({ name, column: `f${fields.length}`, kind });
  }
  return { fields, unsupported };
};

/** The file table a source is read from: what the runner writes at the edge. */
export interface SourceTable {
  readonly id: string;
  readonly table: string;
  readonly path: string;
  readonly fields: readonly FieldColumn[];
}

/** The step of a source; `sources` collects the file tables the runner must write. */
export const sourceStep =
  (sources: SourceTable[]): StepFn<SourceNode> =>
  (n: SourceNode, _ins, b: Build): Rel => {
    const { fields, unsupported } = sourceColumns(n);
    const topic = b.topicOf(n.id);
    let table: string;
    if (topic !== undefined) table = topicRows(n, topic, fields, b);
    else {
      table = b.name(`in_${n.id}`);
      const path = b.path("in", table);
      b.define(
        fileTable(
          table,
          [["_line", "BIGINT"], ["_sk", "STRING"], ["_raw", "STRING"], ...fields.map((f): [string, string] => [f.column, sqlType(f.kind)])],
          path,
        ),
      );
      sources.push({ id: n.id, table, path, fields });
    }
    const rel: Rel = { view: b.name(n.id), sources: [n.id], fields, unsupported, raw: true, key: null, pane: null };
    const columns = [...metaColumns(rel), ...fields.map((f) => f.column)];
    // Before any withTimestamps: event time 0 and clock −∞ (NULL), §3.
    b.define(
      view(rel.view, `SELECT ${selectList(columns, { _src: sqlString(n.id) as string, _t: "CAST(0 AS DOUBLE)", _c: "CAST(NULL AS DOUBLE)" })} FROM ${table}`),
    );
    return rel;
  };

/**
 * The step of a table (§2, §10): the same file table as a source's, which the runner writes at
 * the edge (rows whose `validFrom` is not a finite number are the table's dead letters there, once
 * however many lookups read it), and a view of its versions: `_line`, `_raw` (the row's canonical
 * JSON) and the typed columns. Only a lookup reads it.
 */
export const tableStep =
  (sources: SourceTable[]): StepFn<TableNode> =>
  (n: TableNode, _ins, b: Build): Rel => {
    const { fields, unsupported } = sourceColumns(n);
    const topic = b.topicOf(n.id);
    if (topic !== undefined)
      return { view: topicRows(n, topic, fields, b), sources: [n.id], fields, unsupported, raw: true, overlay: [], key: null, pane: null };
    const table = b.name(`in_${n.id}`);
    const path = b.path("in", table);
    const columns: [string, string][] = [
      ["_line", "BIGINT"],
      ["_sk", "STRING"],
      ["_raw", "STRING"],
      ...fields.map((f): [string, string] => [f.column, sqlType(f.kind)]),
    ];
    b.define(fileTable(table, columns, path));
    sources.push({ id: n.id, table, path, fields });
    return { view: table, sources: [n.id], fields, unsupported, raw: true, overlay: [], key: null, pane: null };
  };
