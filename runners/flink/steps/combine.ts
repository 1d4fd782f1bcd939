import type { AggSpec, CombineNode, WindowNode } from "../../../src/plan/ir.ts";
import type { FieldColumn, Rel } from "../rel.ts";
import { metaColumns, selectList } from "../rel.ts";
import { view } from "../sql.ts";
import type { Build, StepFn } from "../step.ts";
import { refuse } from "../step.ts";
import { sqlString } from "../../../src/expr/compile-sql.ts";
import { canonicalJsonSql, jsCall } from "./element-json.ts";
import { sqlOf } from "./scope.ts";
import { boundedWindows } from "./window.ts";

/** The SQL aggregate of `a` over input column `col` (of `kind`), or a refusal. */
const aggregate = (stage: string, a: AggSpec, col: string | null, kind: string | null, b: Build): string => {
  const numeric = kind === "number";
  switch (a.fn) {
    case "count":
      return "CAST(COUNT(*) AS DOUBLE)";
    case "sum":
      if (!numeric) return "0E0";
      b.useUdfs();
      return `ls_fsum(${col})`;
    case "mean":
      if (!numeric) return "CAST(NULL AS DOUBLE)";
      b.useUdfs();
      return `ls_fmean(${col})`;
    case "min":
    case "max":
      return numeric ? `${a.fn.toUpperCase()}(${col})` : "CAST(NULL AS DOUBLE)";
    case "countDistinct":
      // Distinct by canonical JSON: a number -0 is 0; COUNT(DISTINCT) skips nulls as the rule does.
      if (kind === null || kind === "null") return "CAST(0 AS DOUBLE)";
      return `CAST(COUNT(DISTINCT ${numeric ? `CASE WHEN ${col} = 0 THEN 0E0 ELSE ${col} END` : col}) AS DOUBLE)`;
    case "first":
    case "last":
      // Chosen per group by a window function before grouping (`_fv…`, see the step); every row of a group holds it.
      return kind === null || kind === "null" ? "CAST(NULL AS BOOLEAN)" : `MAX(${col!.replace(/^_a/, "_fv")})`;
    case "custom":
      // The group's `[time, input]` JSON texts in a fixed order (`_r…`, see the step); the combiner runs on them in GraalJS.
      b.useUdfs();
      return `ls_ranked_array(${col!.replace(/^_a/, "_r")}, ${col})`;
    default:
      return refuse(
        stage,
        `the aggregate ${a.fn} is not in the Flink slice yet (count, sum, mean, min, max, countDistinct, first, last and custom combiners are)`,
      );
  }
};

/**
 * The canonical JSON of an output row holding a custom combiner's result: every member (`named`, in
 * the engine's order) goes to the bundle's `ls_combine`, which runs each combiner on its group's
 * `[time, input]` pairs and writes the row by `src/core/canonical.ts`.
 */
const combinedRow = (stage: string, named: ReadonlyMap<string, { sql: string; combiner?: string }>, b: Build): string => {
  const spec = sqlString(JSON.stringify([...named].map(([name, x]) => [name, x.combiner ?? null])));
  if (typeof spec !== "string") return refuse(stage, spec.refused);
  const arg = `JSON_OBJECT('spec' VALUE ${spec}, 'v' VALUE JSON_ARRAY(${[...named.values()].map((x) => x.sql).join(", ")} NULL ON NULL))`;
  return `JSON_VALUE(${jsCall(b, "ls_combine", arg)}, '$.raw')`;
};

/** The step of a combine. */
export const combineStep: StepFn<CombineNode> = (n, [input], b) => {
  const rel = input!;
  if (rel.pane !== null) return refuse(n.id, "a combine reading another combine's rows is not in the Flink slice yet");
  const keyFields = b.facts.get(n.input)?.key ?? null;
  if (rel.key === null || keyFields === null) return refuse(n.id, "a combine needs a keyBy upstream");
  const window: WindowNode | null = b.facts.get(n.input)?.window ?? null;
  const fn = window?.window ?? { kind: "global" as const };
  const keyCols = rel.key.map((_, i) => `_k${i}`);
  const fieldCols = rel.fields.map((f) => f.column);

  // Aggregate inputs, evaluated before windowing (§15): `_a0…`.
  // A custom combiner's input is the JSON text `[time, input]` it is added with (§10): the element's
  // canonical JSON for `row()`, else the typed column's JSON.
  const inputs = n.aggs.map(([, a], i) => {
    if (a.fn === "count") return null;
    const path = `${n.id}.aggs[${i}][1].input`;
    if (a.fn !== "custom") return { col: `_a${i}`, ...sqlOf(n.id, a.input, rel, path) };
    const json = a.input.op === "row" ? canonicalJsonSql(n.id, rel, b) : `COALESCE(JSON_STRING(${sqlOf(n.id, a.input, rel, path).sql}), 'null')`;
    return { col: `_a${i}`, sql: `'[' || JSON_STRING(_t) || ',' || ${json} || ']'`, kind: "string" as const };
  });
  const aggs = n.aggs.map(([, a], i) => aggregate(n.id, a, inputs[i]?.col ?? null, inputs[i]?.kind ?? null, b));
  const evaluated = b.name(`${n.id}_in`);
  const inputExprs = inputs.flatMap((x) => (x === null ? [] : [`${x.sql} AS ${x.col}`]));
  b.define(view(evaluated, `SELECT ${[selectList([...metaColumns(rel), ...fieldCols]), ...inputExprs].join(", ")} FROM ${rel.view}`));
  const inputCols = inputs.flatMap((x) => (x === null ? [] : [x.col]));

  // Where each group's rows are, what groups them, and its bounds.
  let from: string;
  let where = "";
  let group: string[];
  let bounds: [string, string];
  let carried = [...metaColumns(rel), ...fieldCols, ...inputCols];
  if (fn.kind === "global") {
    from = evaluated;
    group = keyCols;
    bounds = ["CAST(NULL AS DOUBLE) AS _ws", "CAST(NULL AS DOUBLE) AS _we"];
  } else {
    const { bounded, late } = boundedWindows(n.id, rel, window!, carried, evaluated, b);
    carried = [...carried, "_ws", "_we"];
    if (fn.kind === "session") {
      // Sessions from the kept proto-windows, per key in order of start: a row starts a new session
      // when it starts at or after every earlier end (touching windows do not merge, §7); the order
      // does not depend on arrival, so neither do the sessions. (_line only makes the order total.)
      const order = `PARTITION BY ${keyCols.join(", ")} ORDER BY _ws, _line`;
      const cols = carried.join(", ");
      const ends = b.name(`${n.id}_ends`);
      b.define(
        view(ends, `SELECT ${cols}, MAX(_we) OVER (${order} ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS _pe FROM ${bounded} WHERE NOT (${late})`),
      );
      from = b.name(`${n.id}_sessions`);
      b.define(
        view(
          from,
          `SELECT ${cols}, SUM(CASE WHEN _pe IS NULL OR _ws >= _pe THEN 1 ELSE 0 END) OVER (${order} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS _sid FROM ${ends}`,
        ),
      );
      carried = [...carried, "_sid"];
      group = [...keyCols, "_sid"];
      bounds = ["MIN(_ws) AS _ws", "MAX(_we) AS _we"];
    } else {
      from = bounded;
      where = ` WHERE NOT (${late})`;
      group = [...keyCols, "_ws", "_we"];
      bounds = ["_ws", "_we"];
    }
  }
  // first / last (§10): the value of the smallest / largest (event time, value) in value order, nulls
  // ignored — FIRST_VALUE over the group's rows, nulls last, strings by UTF-16 code unit (`ls_u16`).
  const chosen = n.aggs.flatMap(([, a], i) => {
    const x = inputs[i];
    if ((a.fn !== "first" && a.fn !== "last") || x === null || x.kind === "null") return [];
    const dir = a.fn === "first" ? "ASC" : "DESC";
    if (x.kind === "string") b.useUdfs();
    const ord = x.kind === "string" ? `ls_u16(${x.col})` : x.col;
    return [
      `FIRST_VALUE(${x.col}) OVER (PARTITION BY ${group.join(", ")} ORDER BY CASE WHEN ${x.col} IS NULL THEN 1 ELSE 0 END, _t ${dir}, ${ord} ${dir}) AS _fv${i}`,
    ];
  });
  // Custom combiners (§10): each group's inputs ranked by (time, JSON text) in UTF-16 order, so the
  // pairs reach the combiner in an order that does not depend on the job (the user guarantees the
  // result does not depend on it either).
  n.aggs.forEach(([, a], i) => {
    if (a.fn !== "custom") return;
    b.useUdfs();
    chosen.push(`ROW_NUMBER() OVER (PARTITION BY ${group.join(", ")} ORDER BY _t, ls_u16(_a${i})) AS _r${i}`);
  });
  if (chosen.length > 0) {
    const picked = b.name(`${n.id}_picked`);
    b.define(view(picked, `SELECT ${[...carried, ...chosen].join(", ")} FROM ${from}${where}`));
    from = picked;
    where = "";
  }
  const grouped = `SELECT ${[...keyCols, ...bounds, ...aggs.map((s, i) => `${s} AS _g${i}`)].join(", ")} FROM ${from}${where} GROUP BY ${group.join(", ")}`;
  const groups = b.name(`${n.id}_groups`);
  b.define(view(groups, grouped));

  // Output rows: { ...key, windowStart, windowEnd (with a window stage), ...aggregates } (§10); a later name wins.
  const named = new Map<string, { sql: string; kind: FieldColumn["kind"]; combiner?: string }>();
  keyFields.forEach((k, i) => named.set(k, { sql: `_k${i}`, kind: rel.key![i]! }));
  if (window !== null) {
    // DOUBLE columns either way; a global window's bounds are null in every row.
    named.set("windowStart", { sql: "_ws", kind: "number" });
    named.set("windowEnd", { sql: "_we", kind: "number" });
  }
  n.aggs.forEach(([name, a], i) =>
    named.set(
      name,
      a.fn === "custom"
        ? { sql: `_g${i}`, kind: "null", combiner: a.combiner }
        : { sql: `_g${i}`, kind: a.fn === "first" || a.fn === "last" ? (inputs[i]?.kind ?? "null") : "number" },
    ),
  );
  const typed = [...named].filter(([, x]) => x.combiner === undefined);
  const fields: FieldColumn[] = typed.map(([name, x], i) => ({ name, column: `f${i}`, kind: x.kind }));
  const customs = [...named].filter(([, x]) => x.combiner !== undefined);
  const out: Rel = {
    view: b.name(n.id),
    sources: rel.sources,
    fields,
    unsupported: new Map(
      customs.map(([name, x]) => [
        name,
        `the field "${name}" is the combiner ${x.combiner}'s result: only numbers, strings and booleans are SQL columns in the Flink slice`,
      ]),
    ),
    // With a custom combiner the row is JSON text in `_raw` (its result has no SQL column).
    raw: customs.length > 0,
    overlay: [],
    key: rel.key,
    pane: { keys: rel.key.map((kind, i) => ({ column: `_pk${i}`, kind })), windowed: window !== null },
  };
  // A pane's rows come from the stage itself (the engine's origin { source: stage, offset: 0 }), which
  // a dead letter of a later filter, map or flatMap names.
  const origin = sqlString(n.id);
  if (typeof origin !== "string") return refuse(n.id, origin.refused);
  const meta = selectList(metaColumns(out), {
    _line: "CAST(0 AS BIGINT)",
    _src: origin,
    _sk: "''",
    _raw: customs.length > 0 ? combinedRow(n.id, named, b) : "CAST(NULL AS STRING)",
    _t: "CAST(NULL AS DOUBLE)",
    _c: "CAST(NULL AS DOUBLE)",
    ...Object.fromEntries(keyCols.map((k, i) => [`_pk${i}`, k])),
    _pws: "_ws",
    _pwe: "_we",
  });
  const values = typed.map(([, x], i) => `${x.sql} AS f${i}`);
  b.define(view(out.view, `SELECT ${[meta, ...values].join(", ")} FROM ${groups}`));
  return out;
};
