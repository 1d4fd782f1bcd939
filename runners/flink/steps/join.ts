/**
 * `join` (§10): both sides keyed alike and windowed alike; per key and
 * window every pair `{ …key, windowStart, windowEnd, [asL]: left, [asR]:
 * right }` (inner), and for `left` each left element with `right: null`
 * when the window has no right element — the final pane of each key and
 * window computed directly, as combine's (panes accumulate, §9):
 *
 * 1. each side in its windows by its own window stage, its late rows (its
 *    own allowed lateness, §8) to this stage's late tables (`boundedWindows`);
 * 2. `<INNER|LEFT> JOIN` of the sides' on-time rows on key and window —
 *    SQL's LEFT JOIN is the rule's "left element with null";
 * 3. the row as JSON text in `_raw` (members in the engine's order, so a
 *    later name wins as it does there); its output key is key + window.
 *
 * Rows sharing an output key are ordered by the final view (§11), so their
 * order in a pane needs no column. Refused: session windows (a session
 * merges both sides' proto-windows), sides keyed by fields of different
 * names (the row's key fields come from whichever side's element came
 * first), a join after a combine.
 *
 * @module
 */
import { sqlString } from "../../../src/expr/compile-sql.ts";
import type { JoinNode, WindowNode } from "../../../src/plan/ir.ts";
import type { FieldColumn, Rel } from "../rel.ts";
import { metaColumns, selectList } from "../rel.ts";
import { view } from "../sql.ts";
import type { Build, StepFn } from "../step.ts";
import { refuse, sqlType } from "../step.ts";
import { canonicalJsonSql, jsonMembers } from "./element-json.ts";
import { boundedWindows } from "./window.ts";

/** A SQL string literal of `s`, or the stage refused. */
const lit = (stage: string, s: string): string => {
  const l = sqlString(s);
  return typeof l === "string" ? l : refuse(stage, l.refused);
};

/** The element of a row of `rel` as JSON text (parsed when read back; canonical only where SQL cannot print it). */
const elementJson = (stage: string, rel: Rel, b: Build): string => {
  if (!rel.raw && rel.unsupported.size === 0) {
    const members = jsonMembers(
      stage,
      rel,
      rel.fields.map((f) => f.name),
    );
    return `JSON_OBJECT(${members}${members === "" ? "" : " "}NULL ON NULL)`;
  }
  return canonicalJsonSql(stage, rel, b);
};

/** One side's on-time rows in their windows: key columns, `_ws`, `_we` and the element's JSON as `json`. */
const side = (n: JoinNode, rel: Rel, window: WindowNode, json: string, b: Build, which: "left" | "right"): string => {
  const stage = `${n.id}_${which}`;
  const keyCols = rel.key!.map((_, i) => `_k${i}`);
  const evaluated = b.name(`${stage}_in`);
  b.define(
    view(
      evaluated,
      `SELECT ${selectList([...metaColumns(rel), ...rel.fields.map((f) => f.column)])}, ${elementJson(n.id, rel, b)} AS ${json} FROM ${rel.view}`,
    ),
  );
  const out = b.name(`${stage}_rows`);
  if (window.window.kind === "global") {
    b.define(view(out, `SELECT ${keyCols.join(", ")}, CAST(NULL AS DOUBLE) AS _ws, CAST(NULL AS DOUBLE) AS _we, ${json} FROM ${evaluated}`));
    return out;
  }
  const carried = [...metaColumns(rel), ...rel.fields.map((f) => f.column), json];
  // The late elements are reported by the join stage, judged by this side's own window stage.
  const { bounded, late } = boundedWindows(n.id, rel, window, carried, evaluated, b);
  b.define(view(out, `SELECT ${keyCols.join(", ")}, _ws, _we, ${json} FROM ${bounded} WHERE NOT (${late})`));
  return out;
};

/** The step of a join. */
export const joinStep: StepFn<JoinNode> = (n, [left, right], b) => {
  const l = left!;
  const r = right!;
  if (l.pane !== null || r.pane !== null) return refuse(n.id, "a join of a combine's rows is not in the Flink slice yet");
  const lf = b.facts.get(n.left);
  const rf = b.facts.get(n.right);
  const keyNames = lf?.key ?? null;
  if (l.key === null || r.key === null || keyNames === null || !lf?.window || !rf?.window) return refuse(n.id, "a join needs both sides keyed and windowed");
  if (JSON.stringify(keyNames) !== JSON.stringify(rf.key))
    return refuse(
      n.id,
      "a join whose sides are keyed by fields of different names is not in the Flink slice yet (the row's key fields come from the first element of the key)",
    );
  if (lf.window.window.kind === "session")
    return refuse(n.id, "a join in session windows is not in the Flink slice yet (a session merges both sides' windows)");
  const lRows = side(n, l, lf.window, "_lj", b, "left");
  const rRows = side(n, r, rf.window, "_rj", b, "right");

  // Keys equal as canonical JSON (§6): columns of one kind, or a null column against anything.
  const on = l.key.map((lk, i) => {
    const rk = r.key![i]!;
    if (lk !== rk && lk !== "null" && rk !== "null") return "FALSE";
    const lc = lk === "null" && rk !== "null" ? `CAST(l._k${i} AS ${sqlType(rk)})` : `l._k${i}`;
    const rc = rk === "null" && lk !== "null" ? `CAST(r._k${i} AS ${sqlType(lk)})` : `r._k${i}`;
    return `${lc} IS NOT DISTINCT FROM ${rc}`;
  });
  const pairs = b.name(`${n.id}_pairs`);
  b.define(
    view(
      pairs,
      `SELECT ${[...l.key.map((_, i) => `l._k${i} AS _k${i}`), "l._ws AS _ws", "l._we AS _we", "l._lj AS _lj", "r._rj AS _rj"].join(", ")} FROM ${lRows} AS l ${n.kind === "left" ? "LEFT" : "INNER"} JOIN ${rRows} AS r ON ${[...on, "l._ws IS NOT DISTINCT FROM r._ws", "l._we IS NOT DISTINCT FROM r._we"].join(" AND ")}`,
    ),
  );

  // The row { …key, windowStart, windowEnd, [asL]: left, [asR]: right }, members in the engine's order.
  const [asL, asR] = n.as;
  const member = (name: string, json: string) => [lit(n.id, `${JSON.stringify(name)}:`), json];
  const json = [
    "'{'",
    ...[
      ...keyNames.map((name, i) => member(name, `COALESCE(JSON_STRING(_k${i}), 'null')`)),
      member("windowStart", "COALESCE(JSON_STRING(_ws), 'null')"),
      member("windowEnd", "COALESCE(JSON_STRING(_we), 'null')"),
      member(asL, "_lj"),
      member(asR, "COALESCE(_rj, 'null')"),
    ].flatMap((m, i) => (i === 0 ? m : ["','", ...m])),
    "'}'",
  ].join(" || ");
  const named = new Map<string, { sql: string; kind: FieldColumn["kind"] }>();
  keyNames.forEach((name, i) => named.set(name, { sql: `_k${i}`, kind: l.key![i]! }));
  named.set("windowStart", { sql: "_ws", kind: "number" });
  named.set("windowEnd", { sql: "_we", kind: "number" });
  named.delete(asL);
  named.delete(asR);
  const fields: FieldColumn[] = [...named].map(([name, x], i) => ({ name, column: `f${i}`, kind: x.kind }));
  const out: Rel = {
    view: b.name(n.id),
    sources: [...l.sources, ...r.sources],
    fields,
    unsupported: new Map(
      [asL, asR].map((name) => [
        name,
        `the field "${name}" is a joined element (an object): only numbers, strings and booleans are SQL columns in the Flink slice`,
      ]),
    ),
    raw: true,
    overlay: [],
    key: l.key,
    pane: { keys: l.key.map((kind, i) => ({ column: `_pk${i}`, kind })), windowed: true },
  };
  const meta = selectList(metaColumns(out), {
    // Nothing after a join reads the arrival meta columns (a later stage may only filter, map or sink).
    _line: "CAST(0 AS BIGINT)",
    _src: "''",
    _sk: "''",
    _raw: json,
    _t: "CAST(NULL AS DOUBLE)",
    _c: "CAST(NULL AS DOUBLE)",
    ...Object.fromEntries(l.key.map((_, i) => [`_pk${i}`, `_k${i}`])),
    _pws: "_ws",
    _pwe: "_we",
  });
  const values = [...named.values()].map((x, i) => `${x.sql} AS f${i}`);
  b.define(view(out.view, `SELECT ${[meta, ...values].join(", ")} FROM ${pairs}`));
  return out;
};
