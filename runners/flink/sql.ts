/**
 * Flink SQL text the steps share: table DDL over the filesystem connector
 * (JSON lines both ways) and the column lists of the meta columns.
 *
 * @module
 */
import { sqlString } from "../../src/expr/compile-sql.ts";
import type { Rel } from "./rel.ts";
import { metaColumns } from "./rel.ts";
import { sqlType } from "./step.ts";

/** The SQL types of the meta columns a Rel carries. */
export const metaTypes = (rel: Pick<Rel, "key" | "pane">): [string, string][] =>
  metaColumns(rel).map((c): [string, string] => {
    if (c === "_line") return [c, "BIGINT"];
    if (c === "_src" || c === "_sk" || c === "_raw") return [c, "STRING"];
    if (c === "_t" || c === "_c" || c === "_pws" || c === "_pwe") return [c, "DOUBLE"];
    const i = Number(c.slice(c.startsWith("_pk") ? 3 : 2));
    const kind = c.startsWith("_pk") ? rel.pane!.keys[i]!.kind : rel.key![i]!;
    return [c, sqlType(kind)];
  });

/** A string literal of a path (paths are ours: a temp directory and names we chose). */
const pathLiteral = (path: string): string => {
  const s = sqlString(path);
  if (typeof s !== "string") throw new Error(`internal: the path ${JSON.stringify(path)} cannot be a SQL literal`);
  return s;
};

/** `CREATE TEMPORARY TABLE` of JSON-lines files in `path` with `columns` (name, SQL type). */
export const fileTable = (name: string, columns: readonly (readonly [string, string])[], path: string): string =>
  `CREATE TEMPORARY TABLE ${name} (${columns.map(([c, t]) => `${c} ${t}`).join(", ")}) WITH ('connector' = 'filesystem', 'path' = ${pathLiteral(path)}, 'format' = 'json')`;

/** `CREATE TEMPORARY VIEW name AS query`. */
export const view = (name: string, query: string): string => `CREATE TEMPORARY VIEW ${name} AS ${query}`;
