/**
 * A source or table read from a Kafka topic by the Flink job itself (`topic-input.ts`): the Kafka
 * connector's table, each message's value decoded as UTF-8 in Java (`ls_utf8`) and judged by the
 * edge rule in GraalJS (`ls_edge`) in a job of its own, the refused messages' table (Node words
 * their dead letters: `collect.ts`), a count of the messages read, and the clean rows in the
 * columns a file's table has. See docs/flink-runner.md, "Sources from Kafka topics".
 *
 * @module
 */
import { sqlString } from "../../../src/expr/compile-sql.ts";
import type { SourceNode, TableNode } from "../../../src/plan/ir.ts";
import type { FieldColumn } from "../rel.ts";
import { fileTable, view } from "../sql.ts";
import type { Build } from "../step.ts";
import { refuse } from "../step.ts";
import type { TopicInput } from "../topic-input.ts";
import { jsCall, jsColumn } from "./element-json.ts";

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
export const topicRows = (n: SourceNode | TableNode, topic: TopicInput, fields: readonly FieldColumn[], b: Build): string => {
  const table = b.name(`in_${n.id}`);
  const props: [string, string][] = [
    ["connector", "kafka"],
    ["topic", topic.topic],
    ["properties.bootstrap.servers", topic.brokers.join(",")],
    ["properties.isolation.level", "read_committed"],
    ["scan.startup.mode", "earliest-offset"],
    ["scan.bounded.mode", "latest-offset"],
    ["value.format", "raw"],
    // The user's consumer properties (security, timeouts); the reader stays read_committed and bounded.
    ...Object.entries(topic.properties ?? {})
      .filter(([k]) => k !== "isolation.level")
      .map(([k, v]): [string, string] => [`properties.${k}`, v]),
  ];
  const lit = (x: string): string => {
    const l = sqlString(x);
    return typeof l === "string" ? l : refuse(n.id, `the topic input ${JSON.stringify(x)}: ${l.refused}`);
  };
  b.define(
    `CREATE TEMPORARY TABLE ${table} (_v BYTES, _p INT METADATA FROM 'partition' VIRTUAL, _o BIGINT METADATA FROM 'offset' VIRTUAL) WITH (${props.map(([k, v]) => `${lit(k)} = ${lit(v)}`).join(", ")})`,
  );
  // The edge once per message, in a job of its own before the pipeline's: its one output table holds
  // every message's result (a refused one with its bytes). Read by several tables of the main job, a
  // table function (non-deterministic, or its rows pruned differently per reader) would be computed
  // once per reader — six times over for the flagship.
  const edge = b.name(`${n.id}_edge`);
  // The value as text when it is UTF-8 (decoded in Java: fast), else its bytes as base64.
  b.useUdfs();
  const arg = `JSON_OBJECT('s' VALUE ${lit(n.id)}, 'p' VALUE _p, 'o' VALUE _o, 't' VALUE _t, 'b' VALUE _b NULL ON NULL)`;
  const decoded = `SELECT _p, _o, _t, CASE WHEN _v IS NOT NULL AND _t IS NULL THEN TO_BASE64(_v) END AS _b FROM (SELECT _p, _o, _v, ls_utf8(_v) AS _t FROM ${table})`;
  b.define(
    view(
      edge,
      `SELECT _p, _o, _t, _b, CAST(_p AS BIGINT) * ${TOPIC_LINE_PARTITION} + _o AS _line, _y FROM (${decoded}), LATERAL TABLE(${jsCall(b, "ls_edge", arg, "ls_js_flat")}) AS _f(_y)`,
    ),
  );
  const judged = b.name(`${n.id}_judged`);
  const judgedColumns: [string, string][] = [
    ["_line", "BIGINT"],
    ["_p", "INT"],
    ["_o", "BIGINT"],
    ["_t", "STRING"],
    ["_b", "STRING"],
    ["_y", "STRING"],
  ];
  b.define(fileTable(judged, judgedColumns, b.path("in", judged)));
  // A refused message keeps its value (text, or bytes) for Node to word its dead letter (collect.ts).
  const refused = "JSON_VALUE(_y, '$.dead') IS NOT NULL";
  b.before(`INSERT INTO ${judged} SELECT _line, _p, _o, CASE WHEN ${refused} THEN _t END AS _t, CASE WHEN ${refused} THEN _b END AS _b, _y FROM ${edge}`);
  const dead = b.name(`dl_${n.id}`);
  const path = b.path("out", dead);
  b.define(
    fileTable(
      dead,
      [
        ["_p", "INT"],
        ["_o", "BIGINT"],
        ["_t", "STRING"],
        ["_b", "STRING"],
      ],
      path,
    ),
  );
  b.insert(`INSERT INTO ${dead} SELECT _p, _o, _t, _b FROM ${judged} WHERE ${refused}`);
  b.output({ kind: "deadLetters", what: "edge", node: n, stage: n.id, table: dead, path, raw: false, fields, pane: null });
  // The records read, for the source's metrics (Node counts a file's as it writes it).
  const count = b.name(`n_${n.id}`);
  const countPath = b.path("out", count);
  b.define(fileTable(count, [["n", "BIGINT"]], countPath));
  b.insert(`INSERT INTO ${count} SELECT COUNT(*) AS n FROM ${judged}`);
  b.output({ kind: "edgeCount", stage: n.id, table: count, path: countPath, raw: false, fields: [], pane: null });
  const rows = b.name(`${n.id}_rows`);
  b.define(
    view(
      rows,
      `SELECT ${["_line", "JSON_VALUE(_y, '$.sk') AS _sk", "JSON_VALUE(_y, '$.raw') AS _raw", ...fields.map((f) => jsColumn("_y", f.column, f.kind))].join(", ")} FROM ${judged} WHERE JSON_VALUE(_y, '$.dead') IS NULL`,
    ),
  );
  return rows;
};
