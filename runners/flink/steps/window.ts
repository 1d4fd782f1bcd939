/**
 * `window`: assigns nothing by itself (§4); it declares how the next
 * combine windows its input. The slice takes fixed, sliding, session and
 * global windows whose trigger keeps late panes (early panes or not): panes
 * accumulate, so the final view is then the aggregate of every element that
 * is not late (§9, §11), which is what the combine computes. Without late
 * panes, which elements count would depend on when the on-time pane fired.
 *
 * Window starts are computed arithmetically rather than with Flink's window
 * TVFs (TUMBLE/HOP): those need a TIMESTAMP(3) time attribute, which drops
 * fractional milliseconds and converts through the session time zone,
 * while lockstep's event time is any finite double (negative allowed).
 *
 * @module
 */
import type { WindowNode } from "../../../src/plan/ir.ts";
import type { WindowFn } from "../../../src/window/types.ts";
import { sqlNumber } from "../../../src/expr/compile-sql.ts";
import type { Rel } from "../rel.ts";
import { fileTable, view } from "../sql.ts";
import type { Build, StepFn } from "../step.ts";
import { refuse, sqlType } from "../step.ts";

/** The step of a window: checks what the slice supports, passes the rows on. */
export const windowStep: StepFn<WindowNode> = (n, [input]) => {
  if (!n.trigger.late)
    return refuse(n.id, "a trigger without late panes is not in the Flink slice yet (which elements count depends on when the on-time pane fires)");
  if (input!.pane !== null) return refuse(n.id, "a window after a combine is not in the Flink slice yet");
  return input!;
};

/**
 * SQL for `alignDown(_t, step, offset)` of `src/window/assign.ts`: the
 * largest `s ≤ _t` with `s ≡ offset (mod step)`. `FLOOR` of the quotient
 * can be one off when the division rounds to an integer; the two CASEs
 * correct it, exactly so while `k · step` is an exact double (event times
 * and steps that are integers of magnitude below 2^53 ms).
 */
export const alignDownSql = (step: number, offset: number): string => {
  const x = `(_t - ${sqlNumber(offset)})`;
  const s = sqlNumber(step);
  const q = `FLOOR(${x} / ${s})`;
  const k = `(${q} - CASE WHEN ${q} * ${s} > ${x} THEN 1 ELSE 0 END + CASE WHEN (${q} + 1) * ${s} <= ${x} THEN 1 ELSE 0 END)`;
  return `(${k} * ${s} + ${sqlNumber(offset)})`;
};

/** How many candidate windows a sliding window needs per element (`ceil(size / period)`). */
export const slidingCandidates = (fn: Extract<WindowFn, { kind: "sliding" }>): number => Math.ceil(fn.size / fn.period);

/**
 * The rows of `from` (a view of `rel`'s rows with the `carried` columns) in their windows of
 * `window` (fixed, sliding, or a session's proto-windows `[t, t + gap)`, §7) as the view
 * `bounded` with `_ws`, `_we`; the lateness rule (§8) as the SQL condition `late`, whose rows go
 * to the late table of stage `stage` (reported with `window`'s allowed lateness). Shared by
 * combine and join (each join side with its own window stage).
 */
export const boundedWindows = (
  stage: string,
  rel: Rel,
  window: WindowNode,
  carried: readonly string[],
  from: string,
  b: Build,
): { bounded: string; late: string } => {
  const fn = window.window;
  if (fn.kind === "global") throw new Error("internal: the global window has no bounds");
  const windowed = b.name(`${stage}_win`);
  const size = fn.kind === "session" ? fn.gap : fn.size;
  if (fn.kind === "fixed") {
    b.define(view(windowed, `SELECT ${carried.join(", ")}, ${alignDownSql(fn.size, fn.offset)} AS _ws FROM ${from}`));
  } else if (fn.kind === "session") {
    b.define(view(windowed, `SELECT ${carried.join(", ")}, _t AS _ws FROM ${from}`));
  } else {
    // One row per candidate window: the latest start ≤ _t, then earlier ones while the window still reaches past _t.
    const candidates = b.name(`${stage}_cand`);
    const list = Array.from({ length: slidingCandidates(fn) }, (_, j) => `(${j})`).join(", ");
    b.define(
      view(
        candidates,
        `SELECT ${carried.join(", ")}, ${alignDownSql(fn.period, fn.offset)} - CAST(_wn AS DOUBLE) * ${sqlNumber(fn.period)} AS _ws FROM ${from} CROSS JOIN (VALUES ${list}) AS wn(_wn)`,
      ),
    );
    b.define(view(windowed, `SELECT ${carried.join(", ")}, _ws FROM ${candidates} WHERE _ws + ${sqlNumber(fn.size)} > _t`));
  }
  const bounded = b.name(`${stage}_bounds`);
  b.define(view(bounded, `SELECT ${carried.join(", ")}, _ws, _ws + ${sqlNumber(size)} AS _we FROM ${windowed}`));
  const late = `_c IS NOT NULL AND _c >= _we + ${sqlNumber(window.allowedLateness)}`;

  const lateTable = b.name(`late_${stage}`);
  const lateCols: [string, string][] = [
    ["_line", "BIGINT"],
    ["_src", "STRING"],
    ["_raw", "STRING"],
    ...rel.fields.map((f): [string, string] => [f.column, sqlType(f.kind)]),
    ["_t", "DOUBLE"],
    ["_c", "DOUBLE"],
    ["_ws", "DOUBLE"],
    ["_we", "DOUBLE"],
  ];
  const path = b.path("out", lateTable);
  b.define(fileTable(lateTable, lateCols, path));
  b.insert(`INSERT INTO ${lateTable} SELECT ${lateCols.map(([c]) => c).join(", ")} FROM ${bounded} WHERE ${late}`);
  b.output({
    kind: "late",
    allowedLateness: window.allowedLateness,
    session: fn.kind === "session",
    stage,
    table: lateTable,
    path,
    raw: rel.raw,
    overlay: rel.overlay ?? [],
    fields: rel.fields,
    pane: null,
  });
  return { bounded, late };
};
