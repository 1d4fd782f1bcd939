/**
 * `combine` (and `groupByKey`, which compiles to `collect(row())`): the final
 * pane of every key and window, computed directly. Panes accumulate and the
 * last one is complete (§9), so the final view is the aggregate of every
 * element that is not late for its window: assign windows, drop late rows,
 * merge sessions, then `groupby(_g).rollup(…)` (see `rollups.ts`).
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import type { CombineNode, WindowNode } from "../../../src/plan/ir.ts";
import { formatWindowSpec } from "../../../src/window/assign.ts";
import { COL, valuesOf } from "../columns.ts";
import type { Step } from "../step.ts";
import { keyFactsOf } from "./key-facts.ts";
import { paneTable } from "./panes.ts";
import { aggVerb, rollupAggs } from "./rollups.ts";
import { assign, assignVerbs, dropLate, mergeSessions } from "./windows.ts";

/** The kept (element, window) rows of a keyed stage's input, with `_ws`, `_we` (±Infinity without a window stage). */
export const windowed = (input: ColumnTable, window: WindowNode | null, stage: string, rt: Parameters<Step["run"]>[1]): ColumnTable => {
  if (window === null) return input.derive({ _ws: "() => -Infinity", _we: "() => Infinity" });
  const kept = dropLate(assign(input, window.window), window, stage, rt);
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
          ? [`groupby("${COL.k}").orderby("_ws").derive({ _sn: new session when _ws ≥ op.lag(_we), _sid: rolling(op.sum(_sn)) }).groupby("${COL.k}", "_sid").derive({ _ws: op.min, _we: op.max })`]
          : []),
      ];

/** The step of a combine at plan position `position`. */
export const combineStep = (n: CombineNode, window: WindowNode | null, position: number): Step => ({
  stage: n.id,
  op: n.op,
  mode: "columnar",
  verbs: [
    `key facts: groupby("${COL.k}").rollup({ kv: op.any(d.${COL.kv}), clock: op.max(d.${COL.c}) })`,
    ...windowVerbs(window),
    `groupby(_g = ${window ? "key + window" : "key"}): ${n.aggs.map(([name, a]) => aggVerb(name, a)).join("; ")}`,
    "final pane rows: { ...kv, windowStart, windowEnd, ...aggregates } with output key _pk",
  ],
  fallbacks: [],
  run: ([input], rt) => {
    const facts = keyFactsOf(input!);
    const kept = windowed(input!, window, n.id, rt).derive({ _g: `d => d.${COL.k} + "|" + d._ws + ":" + d._we` });
    const { first, values } = rollupAggs(kept, n.aggs, n.id, rt);
    const ks = valuesOf(first, "_k") as string[];
    const out = paneTable(n.id, position, {
      k: ks,
      kv: ks.map((k) => facts.kv.get(k)!),
      window: window ? { ws: valuesOf(first, "_ws") as number[], we: valuesOf(first, "_we") as number[] } : null,
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
