/**
 * `sequence` (§10): per key, the `latest` entries with the greatest event
 * time, newest first, ties by id ascending (value order), one entry per id —
 * the final pane computed directly from the set of the key's elements, as
 * the arquero runner does:
 *
 * 1. per (key, id) the version the content rule keeps: `ROW_NUMBER() OVER
 *    (PARTITION BY key, id ORDER BY _t DESC, <canonical JSON> DESC) = 1`,
 *    the canonical JSON compared only where two versions share a time (a
 *    `COUNT(*)` over (key, id, _t) says where);
 * 2. `ROW_NUMBER() OVER (PARTITION BY key ORDER BY _t DESC, id ASC) ≤ latest`;
 * 3. the entries (JSON text of the listed fields by `JSON_STRING`, null for
 *    NULL: a missing field reads as null, §1) assembled by `ls_ranked_array` in rank
 *    order — a Java UDAF, because ARRAY_AGG/JSON_ARRAYAGG keep whatever
 *    order rows reach them in.
 *
 * Strings compare by UTF-16 code unit (§1) through `ls_u16`: Flink's own
 * string order is by code point. Ids are equal as canonical JSON, so a
 * number `-0` is `0`. The row `{ …key, [as]: entries }` is written as JSON
 * text in `_raw`; its output key is the stage key (§11).
 *
 * With a ttl, entries older than the key's newest time minus the ttl are
 * cut once, at the end (see the step). Refused: an id or entry field
 * without a SQL column, a sequence after a combine.
 *
 * @module
 */
import { sqlNumber, sqlString } from "../../../src/expr/compile-sql.ts";
import type { SequenceNode } from "../../../src/plan/ir.ts";
import type { FieldColumn, Rel } from "../rel.ts";
import { allColumns, metaColumns, selectList } from "../rel.ts";
import { view } from "../sql.ts";
import type { Build, StepFn } from "../step.ts";
import { refuse } from "../step.ts";
import { canonicalJsonSql } from "./element-json.ts";

/** A SQL string literal of a name (data), or the stage refused. */
const nameLiteral = (stage: string, s: string): string => {
  const l = sqlString(s);
  return typeof l === "string" ? l : refuse(stage, l.refused);
};

/** The column of field `name`, or the stage refused (a sequence reads only fields with SQL columns). */
const columnOf = (n: SequenceNode, rel: Rel, name: string, what: string): FieldColumn => {
  const f = rel.fields.find((x) => x.name === name);
  return f ?? refuse(n.id, rel.unsupported.get(name) ?? `the ${what} field "${name}" is not a known column of this stage's rows`);
};

/** The id's identity (equal ids, §6) and its sort key (value order, §1) in SQL. */
const idSql = (id: FieldColumn): { eq: string; ord: string } => {
  if (id.kind === "number") {
    const eq = `CASE WHEN ${id.column} = 0 THEN 0E0 ELSE ${id.column} END`;
    return { eq, ord: eq };
  }
  if (id.kind === "string") return { eq: id.column, ord: `ls_u16(${id.column})` };
  // booleans order false < true in SQL as in value order; a null column is one id.
  return { eq: id.column, ord: id.column };
};

/** `'<"name":>' || <JSON of column> || …`: the key fields as JSON members (text), each followed by a comma. */
const keyMembers = (stage: string, names: readonly string[], as: string): string[] =>
  names.flatMap((name, i) => (name === as ? [] : [`${nameLiteral(stage, `${JSON.stringify(name)}:`)}`, `COALESCE(JSON_STRING(_k${i}), 'null')`, "','"]));

/** The step of a sequence. */
export const sequenceStep: StepFn<SequenceNode> = (n, [input], b: Build) => {
  const rel = input!;
  if (rel.pane !== null) return refuse(n.id, "a sequence after a combine is not in the Flink slice yet");
  const keyNames = b.facts.get(n.input)?.key ?? null;
  if (rel.key === null || keyNames === null) return refuse(n.id, "a sequence needs a keyBy upstream");
  const keyCols = rel.key.map((_, i) => `_k${i}`);
  const id = idSql(columnOf(n, rel, n.idField, "id"));
  // An entry as JSON text: `{"f":<JSON of the column>,…}` (JSON_STRING quotes and escapes strings; NULL is null).
  // Computed first and carried as a column: Flink's planner cannot plan an expression as this aggregate's
  // argument when it has pruned the input to empty (a filter that is always false).
  const entry = `'{' || ${n.fields
    .map(
      (name, i) =>
        `${nameLiteral(n.id, `${i === 0 ? "" : ","}${JSON.stringify(name)}:`)} || COALESCE(JSON_STRING(${columnOf(n, rel, name, "sequence").column}), 'null')`,
    )
    .join(" || ")} || '}'`;
  b.useUdfs();
  const columns = allColumns(rel);

  const withIds = b.name(`${n.id}_ids`);
  b.define(
    view(
      withIds,
      `SELECT ${selectList(columns)}, ${id.eq} AS _id, ${id.ord} AS _io, ${entry} AS _ej, COUNT(*) OVER (PARTITION BY ${[...keyCols, id.eq, "_t"].join(", ")}) AS _nt FROM ${rel.view}`,
    ),
  );
  // The content rule (§10): of one id's versions, the greater time, then the greater canonical JSON —
  // computed only where two versions share a time, which is rare.
  const content = `CASE WHEN _nt > 1 THEN ls_u16(${canonicalJsonSql(n.id, rel, b)}) END`;
  const best = b.name(`${n.id}_best`);
  b.define(
    view(
      best,
      `SELECT ${selectList([...columns, "_io", "_ej"])}, ROW_NUMBER() OVER (PARTITION BY ${[...keyCols, "_id"].join(", ")} ORDER BY _t DESC, ${content} DESC) AS _vn FROM ${withIds}`,
    ),
  );
  // ttl: entries older than the key's newest time minus ttl go (§10). An element that was already that old
  // when it arrived (counted as expired by the engine) is older than the final newest time minus ttl too, and
  // no version it could have beaten is newer, so cutting once at the end gives the same entries.
  let live = best;
  if (n.ttl !== undefined) {
    live = b.name(`${n.id}_live`);
    b.define(
      view(
        live,
        `SELECT ${selectList([...columns, "_io", "_ej", "_vn"])} FROM (SELECT ${selectList([...columns, "_io", "_ej", "_vn"])}, MAX(_t) OVER (PARTITION BY ${keyCols.join(", ")}) AS _km FROM ${best}) WHERE _t >= _km - ${sqlNumber(n.ttl)}`,
      ),
    );
  }
  const ranked = b.name(`${n.id}_ranked`);
  b.define(
    view(
      ranked,
      `SELECT ${selectList([...columns, "_ej"])}, ROW_NUMBER() OVER (PARTITION BY ${keyCols.join(", ")} ORDER BY _t DESC, _io ASC) AS _rk FROM ${live} WHERE _vn = 1`,
    ),
  );
  const grouped = b.name(`${n.id}_groups`);
  b.define(
    view(
      grouped,
      `SELECT ${keyCols.join(", ")}, MAX(_t) AS _t, ls_ranked_array(_rk, _ej) AS _es FROM ${ranked} WHERE _rk <= ${n.latest} GROUP BY ${keyCols.join(", ")}`,
    ),
  );

  // The pane row { …key, [as]: entries } (§10; `as` wins over a key field of its name).
  const kept = keyNames.flatMap((name, i) => (name === n.as ? [] : [i]));
  const fields: FieldColumn[] = kept.map((i, j) => ({ name: keyNames[i]!, column: `f${j}`, kind: rel.key![i]! }));
  const out: Rel = {
    view: b.name(n.id),
    sources: rel.sources,
    fields,
    unsupported: new Map([[n.as, `the field "${n.as}" is a sequence (an array): only numbers, strings and booleans are SQL columns in the Flink slice`]]),
    raw: true,
    overlay: [],
    key: rel.key,
    pane: { keys: rel.key.map((kind, i) => ({ column: `_pk${i}`, kind })), windowed: false },
  };
  const json = ["'{'", ...keyMembers(n.id, keyNames, n.as), nameLiteral(n.id, `${JSON.stringify(n.as)}:`), "_es", "'}'"].join(" || ");
  const meta = selectList(metaColumns(out), {
    // Nothing after a sequence reads the arrival meta columns (a later stage may only filter, map or sink).
    _line: "CAST(0 AS BIGINT)",
    _src: "''",
    _sk: "''",
    _raw: json,
    _c: "CAST(NULL AS DOUBLE)",
    ...Object.fromEntries(keyCols.map((k, i) => [`_pk${i}`, k])),
    _pws: "CAST(NULL AS DOUBLE)",
    _pwe: "CAST(NULL AS DOUBLE)",
  });
  const values = kept.map((i, j) => `_k${i} AS f${j}`);
  b.define(view(out.view, `SELECT ${[meta, ...values].join(", ")} FROM ${grouped}`));
  return out;
};
