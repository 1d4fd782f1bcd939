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
import type { StepFn } from "../step.ts";
import { refuse } from "../step.ts";

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
