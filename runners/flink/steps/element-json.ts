/**
 * A stage's element as JSON text in SQL, and its canonical JSON (§1) where a
 * rule compares elements by it. Flink's JSON functions print numbers as Java
 * does (`1.5E12`), which parses to the same value but is not canonical, so
 * the canonical form is computed by `src/core/canonical.ts` itself, run in
 * GraalJS (`ls_js`, the definition's pinned bundle, `js/functions.ts`) —
 * except while the element is the source record (`_raw` is its canonical
 * JSON already).
 *
 * @module
 */
import { sqlString } from "../../../src/expr/compile-sql.ts";
import type { Rel } from "../rel.ts";
import { allColumns, selectList } from "../rel.ts";
import { view } from "../sql.ts";
import type { Build } from "../step.ts";
import { refuse } from "../step.ts";

/** `KEY 'name' VALUE column, …` of `names`' columns (the names are data: SQL string literals). */
export const jsonMembers = (stage: string, rel: Rel, names: readonly string[]): string =>
  names
    .map((name) => {
      const f = rel.fields.find((x) => x.name === name);
      if (f === undefined) return refuse(stage, rel.unsupported.get(name) ?? `the field "${name}" is not a known column of this stage's rows`);
      const l = sqlString(name);
      if (typeof l !== "string") return refuse(stage, l.refused);
      return `KEY ${l} VALUE ${f.column}`;
    })
    .join(", ");

/**
 * The element as the JSON the bundle's functions take: `{ raw, over }` — the source record's text
 * (or null once rebuilt) and the fields set over it (all fields once rebuilt), NULL ON NULL;
 * `extra` members (`'name' VALUE sql`) go first.
 */
export const elementArgSql = (stage: string, rel: Rel, extra: readonly string[] = []): string => {
  const over = rel.raw ? (rel.overlay ?? []) : rel.fields.map((f) => f.name);
  for (const name of rel.unsupported.keys()) if (!rel.raw) refuse(stage, rel.unsupported.get(name)!);
  const members = jsonMembers(stage, rel, over);
  return `JSON_OBJECT(${extra.map((m) => `${m}, `).join("")}'raw' VALUE ${rel.raw ? "_raw" : "CAST(NULL AS STRING)"}, 'over' VALUE JSON_OBJECT(${members}${members === "" ? "" : " "}NULL ON NULL) NULL ON NULL)`;
};

/** A call of the bundle's function `fn` on `arg` (JSON text): its result as JSON text, NULL for nothing (`ls_js_flat`: a table function, one row per array item). */
export const jsCall = (b: Build, fn: string, arg: string, udf: "ls_js" | "ls_js_flat" = "ls_js"): string => {
  const { path, sha256 } = b.useJs();
  return `${udf}(${path}, ${sha256}, '${fn}', ${arg})`;
};

/** A typed column from the JSON text `_y` of a JavaScript row (`{ raw, c }`; numbers come as text, cast exactly). */
export const jsColumn = (json: string, column: string, kind: Rel["fields"][number]["kind"]): string => {
  const v = `JSON_VALUE(${json}, '$.c.${column}')`;
  if (kind === "number") return `CAST(${v} AS DOUBLE) AS ${column}`;
  if (kind === "string") return `${v} AS ${column}`;
  return `JSON_VALUE(${json}, '$.c.${column}' RETURNING BOOLEAN) AS ${column}`;
};

/** The canonical JSON of the element (STRING). */
export const canonicalJsonSql = (stage: string, rel: Rel, b: Build): string => {
  if (rel.raw && (rel.overlay ?? []).length === 0) return "_raw";
  return `JSON_VALUE(${jsCall(b, "ls_canonical", elementArgSql(stage, rel))}, '$.c')`;
};

/**
 * `rel` as the source record again: a view whose `_raw` is the element's canonical JSON (computed
 * in GraalJS when the element was rebuilt or has fields set over it), for stages that hand the
 * whole element to JavaScript and take its output back as `_raw`.
 */
export const asRecord = (stage: string, rel: Rel, b: Build): Rel => {
  if (rel.raw && (rel.overlay ?? []).length === 0) return rel;
  const out: Rel = { ...rel, view: b.name(`${stage}_record`), raw: true, overlay: [] };
  b.define(view(out.view, `SELECT ${selectList(allColumns(rel), { _raw: canonicalJsonSql(stage, rel, b) })} FROM ${rel.view}`));
  return out;
};
