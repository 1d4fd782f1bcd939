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
import { refuse, sqlType } from "../step.ts";
import type { TopicInput } from "../topic-input.ts";
import { jsCall, jsColumn } from "./element-json.ts";

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

/** 2^40: a topic record's `_line` is `partition · 2^40 + offset`, its arrival order (partition, then offset). */
export const TOPIC_LINE_PARTITION = 1_099_511_627_776;

/** The origin (offset, and partition for a topic) of a row whose `_line` and `_src` are given; `topics` are the sources read from topics. */
export const originOfLine = (line: number, source: string, topics: ReadonlySet<string>): { offset: number; partition?: number } =>
  topics.has(source) ? { offset: line % TOPIC_LINE_PARTITION, partition: Math.floor(line / TOPIC_LINE_PARTITION) } : { offset: line };

/**
 * The clean rows of a source or table read from a Kafka topic, in the columns of the file table
 * Node writes for a file (`_line`, `_sk`, `_raw`, typed columns): Flink's Kafka connector reads
 * the topic bounded (earliest offset to the end offsets at the job's start, read_committed), the
 * value as bytes; the edge rule runs on each in GraalJS (`ls_edge`: `edge-row.ts`, as in Node);
 * its dead letters go to their own table. `_line` is `partition · 2^40 + offset`: a source key's
 * arrival order is its records' offset order, and its records are in one partition when the topic
 * is keyed by the source key, as the Kafka runner writes them.
 */
const topicRows = (n: SourceNode | TableNode, topic: TopicInput, fields: readonly FieldColumn[], b: Build): string => {
  const table = b.name(`in_${n.id}`);
  const props: [string, string][] = [
    ["connector", "kafka"],
    ["topic", topic.topic],
    ["properties.bootstrap.servers", topic.brokers.join(",")],
    ["properties.isolation.level", "read_committed"],
    ["scan.startup.mode", "earliest-offset"],
    ["scan.bounded.mode", "latest-offset"],
    ["value.format", "raw"],
  ];
  const lit = (x: string): string => {
    const l = sqlString(x);
    return typeof l === "string" ? l : refuse(n.id, `the topic input ${JSON.stringify(x)}: ${l.refused}`);
  };
  b.define(
    `CREATE TEMPORARY TABLE ${table} (_v BYTES, _p INT METADATA FROM 'partition' VIRTUAL, _o BIGINT METADATA FROM 'offset' VIRTUAL) WITH (${props.map(([k, v]) => `'${k}' = ${lit(v)}`).join(", ")})`,
  );
  const edge = b.name(`${n.id}_edge`);
  const arg = `JSON_OBJECT('s' VALUE ${lit(n.id)}, 'p' VALUE _p, 'o' VALUE _o, 'b' VALUE _b NULL ON NULL)`;
  b.define(
    view(
      edge,
      `SELECT _p, _o, _b, CAST(_p AS BIGINT) * ${TOPIC_LINE_PARTITION} + _o AS _line, _y FROM (SELECT _p, _o, TO_BASE64(_v) AS _b FROM ${table}), LATERAL TABLE(${jsCall(b, "ls_edge", arg, "ls_js_flat")}) AS _f(_y)`,
    ),
  );
  // A refused record's partition, offset and bytes: Node words its dead letter (collect.ts).
  const dead = b.name(`dl_${n.id}`);
  const path = b.path("out", dead);
  b.define(
    fileTable(
      dead,
      [
        ["_p", "INT"],
        ["_o", "BIGINT"],
        ["_b", "STRING"],
      ],
      path,
    ),
  );
  b.insert(`INSERT INTO ${dead} SELECT _p, _o, _b FROM ${edge} WHERE JSON_VALUE(_y, '$.dead') IS NOT NULL`);
  b.output({ kind: "deadLetters", what: "edge", node: n, stage: n.id, table: dead, path, raw: false, fields, pane: null });
  // The records read, for the source's metrics (Node counts a file's as it writes it).
  const count = b.name(`n_${n.id}`);
  const countPath = b.path("out", count);
  b.define(fileTable(count, [["n", "BIGINT"]], countPath));
  b.insert(`INSERT INTO ${count} SELECT COUNT(*) AS n FROM ${edge}`);
  b.output({ kind: "edgeCount", stage: n.id, table: count, path: countPath, raw: false, fields: [], pane: null });
  const rows = b.name(`${n.id}_rows`);
  b.define(
    view(
      rows,
      `SELECT ${["_line", "JSON_VALUE(_y, '$.sk') AS _sk", "JSON_VALUE(_y, '$.raw') AS _raw", ...fields.map((f) => jsColumn("_y", f.column, f.kind))].join(", ")} FROM ${edge} WHERE JSON_VALUE(_y, '$.dead') IS NULL`,
    ),
  );
  return rows;
};

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
