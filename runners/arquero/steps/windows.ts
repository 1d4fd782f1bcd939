/**
 * Window assignment and the lateness rule for keyed stages, as columns:
 * `_ws`/`_we` per (element, window) row — one row per element for fixed
 * and session windows (its proto-window `[t, t + gap)`), several for
 * sliding windows (`unroll` of the candidate starts) — then
 *
 *     late ⇔ _c ≥ _we + allowedLateness          (§8)
 *
 * per row: late rows go to the late side output, the others are kept. The
 * window starts use the formulas of `src/window/assign.ts` operation for
 * operation, so they are the same doubles.
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import type { WindowNode } from "../../../src/plan/ir.ts";
import type { WindowFn } from "../../../src/window/types.ts";
import { COL, valuesOf } from "../columns.ts";
import { lateRows } from "../side-outputs.ts";
import type { Runtime } from "../step.ts";

/** A number as source text (negative numbers parenthesized). */
const num = (n: number): string => (n < 0 ? `(${n})` : String(n));

/** `alignDown(ts, step, offset)` of `src/window/assign.ts`: the largest start ≤ ts, through an exact remainder. */
const alignDown = (step: number, offset: number): string =>
  `d => { const x = d.${COL.t} - ${num(offset)}; const r = x % ${num(step)}; ` +
  `const m = r < 0 ? r + ${num(step)} : r === 0 ? 0 : r; return op.round((x - m) / ${num(step)}) * ${num(step)} + ${num(offset)}; }`;

/** The verbs assigning `fn`'s windows, as `explain` shows them. */
export const assignVerbs = (fn: WindowFn): string[] => {
  switch (fn.kind) {
    case "global":
      return ["derive({ _ws: -Infinity, _we: Infinity })"];
    case "fixed":
      return [`derive({ _ws: ${alignDown(fn.size, fn.offset)}, _we: d => d._ws + ${fn.size} })`];
    case "sliding":
      return [
        `derive({ _ws: ${alignDown(fn.period, fn.offset)}, _wn: op.sequence(0, ${Math.ceil(fn.size / fn.period)}) })`,
        `unroll("_wn").derive({ _ws: d => d._ws - d._wn * ${fn.period} }).filter(d => d._ws + ${fn.size} > d.${COL.t})`,
      ];
    case "session":
      return [`derive({ _ws: d => d.${COL.t}, _we: d => d.${COL.t} + ${fn.gap} }) — proto-windows, merged after the lateness check`];
  }
};

/** `table` with one row per (element, window) and the window bounds in `_ws`, `_we`. */
export const assign = (table: ColumnTable, fn: WindowFn): ColumnTable => {
  switch (fn.kind) {
    case "global":
      return table.derive({ _ws: "() => -Infinity", _we: "() => Infinity" });
    case "fixed":
      return table.derive({ _ws: alignDown(fn.size, fn.offset) }).derive({ _we: `d => d._ws + ${fn.size}` });
    case "sliding":
      return table
        .derive({ _ws: alignDown(fn.period, fn.offset), _wn: `() => op.sequence(0, ${Math.ceil(fn.size / fn.period)})` })
        .unroll("_wn")
        .derive({ _ws: `d => d._ws - d._wn * ${fn.period}` })
        .filter(`d => d._ws + ${fn.size} > d.${COL.t}`)
        .select(aq.not("_wn"))
        .reify()
        .derive({ _we: `d => d._ws + ${fn.size}` });
    case "session":
      return table.derive({ _ws: `d => d.${COL.t}`, _we: `d => d.${COL.t} + ${fn.gap}` });
  }
};

/**
 * Applies the lateness rule to windowed rows (each with `_e`, its row in
 * `source`, the stage's input): reports the late ones with their element as
 * the DirectRunner words them, and returns the others.
 */
export const dropLate = (table: ColumnTable, window: WindowNode, source: ColumnTable, stage: string, rt: Runtime): ColumnTable => {
  const L = window.allowedLateness;
  const late = table.filter(`d => d.${COL.c} >= d._we + ${L}`).reify();
  if (late.numRows() > 0) {
    const rows = valuesOf(late, "_e") as number[];
    const ws = valuesOf(late, "_ws") as number[];
    const we = valuesOf(late, "_we") as number[];
    const cs = valuesOf(late, COL.c) as number[];
    const what = window.window.kind === "session" ? "its proto-session" : "window";
    lateRows(source, rows, stage, rt, (i) => ({
      clock: cs[i]!,
      windowStart: Number.isFinite(ws[i]) ? ws[i]! : null,
      windowEnd: Number.isFinite(we[i]) ? we[i]! : null,
      reason: `${what} [${ws[i]}, ${we[i]}) ended at or before its source clock ${cs[i]} minus allowed lateness ${L}`,
    }));
  }
  return table.filter(`d => d.${COL.c} < d._we + ${L}`).reify();
};

/**
 * The columns windowing needs, one row per element of `input` (which has
 * `_ki`): `_e` (the row in `input`, for late reports), `_k`, `_ki`, `_t`,
 * `_c`, and `extra`. Windowing multiplies rows (sliding windows): it
 * carries nothing else.
 */
export const narrow = (input: ColumnTable, extra: readonly string[]): ColumnTable =>
  input
    .ungroup()
    .derive({ _e: "() => op.row_number() - 1" })
    .select(["_e", COL.k, "_ki", COL.t, COL.c, ...extra]);

/** `table` with `_ki`: its key as a dense number (arquero's group index), cheaper to group by than the key's JSON. */
export const withKeyIndex = (table: ColumnTable): ColumnTable => {
  const keys = table.groupby(COL.k).groups()?.keys;
  return table.assign({ _ki: keys ? Array.from(keys) : [] });
};

/**
 * Session windows from kept proto-windows (rows with `_ki`): per key, in order of start, a row
 * starts a new session when its start is not before the previous end
 * (touching windows do not merge); a session spans its rows' proto-windows.
 * Order-independent, like the DirectRunner's incremental merging.
 */
export const mergeSessions = (table: ColumnTable): ColumnTable =>
  table
    .groupby("_ki")
    .orderby("_ws")
    .derive({ _sn: "d => { const p = op.lag(d._we); return p === undefined || d._ws >= p ? 1 : 0; }" })
    .derive({ _sid: aq.rolling("d => op.sum(d._sn)", [-Infinity, 0]) })
    .groupby("_ki", "_sid")
    .derive({ _ws: "d => op.min(d._ws)", _we: "d => op.max(d._we)" })
    .ungroup()
    .unorder()
    .select(aq.not("_sn", "_sid"))
    .reify();
