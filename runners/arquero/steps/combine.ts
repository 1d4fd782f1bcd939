/**
 * `combine` (and `groupByKey`, which compiles to `collect(row())`): the final
 * pane of every key and window, computed directly. Panes accumulate and the
 * last one is complete (§9), so the final view is the aggregate of every
 * element that is not late for its window: assign windows, drop late rows,
 * merge sessions, then `groupby("_ki", "_ws").rollup(…)` (see `rollups.ts`);
 * a global window aggregates the key groups directly.
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import type { CombineNode, WindowNode } from "../../../src/plan/ir.ts";
import { formatWindowSpec } from "../../../src/window/assign.ts";
import { COL, valuesOf } from "../columns.ts";
import type { Runtime, Step } from "../step.ts";
import { keyFactsOf } from "./key-facts.ts";
import { paneTable } from "./panes.ts";
import { aggInputs, aggVerb, rollupAggs } from "./rollups.ts";
import { assign, assignVerbs, dropLate, mergeSessions, narrow } from "./windows.ts";

/**
 * The kept (element, window) rows of a keyed stage's input (with `_ki`),
 * narrowed to `_e, _k, _ki, _t, _c, _ws, _we` and `extra`.
 */
export const windowed = (input: ColumnTable, extra: readonly string[], window: WindowNode, stage: string, rt: Runtime): ColumnTable => {
  const kept = dropLate(assign(narrow(input, extra), window.window), window, input, stage, rt);
  return window.window.kind === "session" ? mergeSessions(kept) : kept;
};

/** The verbs of windowing and lateness, for `explain`. */
export const windowVerbs = (window: WindowNode | null): string[] =>
  window === null
    ? ["(implicit global window: one group per key, rows without window fields)"]
    : [
        `window ${formatWindowSpec(window.window)}: ${assignVerbs(window.window).join(" → ")}`,
        `filter(d => d.${COL.c} >= d._we + ${window.allowedLateness}) → late side output; keep the rest`,
        ...(window.window.kind === "session"
          ? [
              'groupby("_ki").orderby("_ws").derive({ _sn: new session when _ws ≥ op.lag(_we), _sid: rolling(op.sum(_sn)) }).groupby("_ki", "_sid").derive({ _ws: op.min, _we: op.max })',
            ]
          : []),
      ];

/** The step of a combine at plan position `position`. */
export const combineStep = (n: CombineNode, window: WindowNode | null, position: number): Step => ({
  stage: n.id,
  op: n.op,
  mode: "columnar",
  verbs: [
    `groupby("${COL.k}"): key index _ki = the group index; key facts rollup({ names: op.any(d.${COL.kn}), clock: op.max(d.${COL.c}) })`,
    ...windowVerbs(window),
    "aggregate inputs: derive({ _a0…: <input expressions> })" +
      (window === null || window.window.kind === "global" ? "" : "; narrow to _e, _k, _ki, _t, _c, _a…"),
    `${window === null || window.window.kind === "global" ? 'the groupby("_k") above' : 'groupby("_ki", "_ws")'}: ${n.aggs.map(([name, a]) => aggVerb(name, a)).join("; ")}`,
    "final pane rows: { ...kv, windowStart, windowEnd, ...aggregates } with output key _pk",
  ],
  fallbacks: [],
  run: ([input], rt) => {
    // Inputs first: a row whose input expression fails is a dead letter and reaches no key fact
    // (its clock included), as on the DirectRunner, where it never enters the keyed state.
    const { table: evaluated, inputs } = aggInputs(input!, n.aggs, n.id, rt);
    const { facts, table, grouped } = keyFactsOf(evaluated);
    // A global window takes every element of a key, none late: aggregate the key's group as it is.
    const whole = window === null || window.window.kind === "global";
    const withInputs = whole ? grouped : table;
    const { first, values } = whole
      ? rollupAggs(withInputs, n.aggs, rt, [COL.k])
      : rollupAggs(windowed(withInputs, inputs, window, n.id, rt), n.aggs, rt, ["_ki", "_ws"], ["_we"]);
    const ks = valuesOf(first, COL.k) as string[];
    const bounds = (v: number) => ks.map(() => v);
    const out = paneTable(n.id, position, {
      k: ks,
      kv: ks.map((k) => facts.kv.get(k)!),
      window:
        window === null
          ? null
          : whole
            ? { ws: bounds(-Infinity), we: bounds(Infinity) }
            : { ws: valuesOf(first, "_ws") as number[], we: valuesOf(first, "_we") as number[] },
      values: n.aggs.map(([name], i) => [name, values[i]!] as const),
      c: ks.map((k) => facts.clock.get(k)!),
    });
    const m = rt.metrics(n.id);
    m.in += input!.numRows();
    m.out += out.numRows();
    m.panes += out.numRows();
    return out;
  },
});
