/**
 * Pane emission (docs/semantics.md §9): a pane is a marker element followed by
 * its rows, all carrying the pane (output) key; a marker with no rows retracts
 * the key.
 *
 * @module
 */
import { windowKey } from "../../window/assign.ts";
import type { Window } from "../../window/types.ts";
import { elem } from "../elem.ts";
import type { Elem } from "../elem.ts";
import type { StageMetrics } from "../operator.ts";
import type { KeyWindows, OpenWindow, WindowAggregation } from "./types.ts";

/** Writes panes of one stage into an output list. */
export interface PaneWriter<A> {
  /** Appends a pane for key `k` and window `w` to `out`; `acc` undefined appends a retraction. */
  pane(k: string, kv: Readonly<Record<string, unknown>>, w: Window, acc: A | undefined, clock: number, out: Elem[]): void;
  /** Appends the current pane of an open window and records that it was emitted. */
  emitPane(k: string, st: KeyWindows<A>, w: OpenWindow<A>, out: Elem[]): void;
}

/**
 * The pane writer of stage `stage`. `windowed` false (implicit global window):
 * pane keys and rows carry no window bounds.
 */
export const paneWriter = <A>(stage: string, agg: WindowAggregation<A>, windowed: boolean, m: StageMetrics): PaneWriter<A> => {
  // The stage name is part of the pane key so that two aggregates flattened into one sink never
  // replace each other's panes (which one fired last would depend on arrival order).
  const paneKeyOf = (k: string, w: Window): string => (windowed ? `${stage}|${k}|${windowKey(w)}` : `${stage}|${k}`);
  const origin = { source: stage, offset: 0 };

  const pane: PaneWriter<A>["pane"] = (k, kv, w, acc, c, out) => {
    const pk = paneKeyOf(k, w);
    // Output keys sort as tuples of the key's values (in keyBy order), then the window bounds.
    const values = Object.values(kv);
    const pkv = windowed ? [...values, Number.isFinite(w.start) ? w.start : null, Number.isFinite(w.end) ? w.end : null] : values;
    const t = Number.isFinite(w.end) ? w.end - 1 : Number.isFinite(c) ? c : 0;
    out.push(elem({ t, c, k, kv, pk, pkv, marker: true, origin }));
    if (acc === undefined) return;
    m.panes++;
    for (const row of agg.rows(kv, w, acc, windowed)) {
      m.out++;
      out.push(elem({ v: row, t, c, k, kv, pk, pkv, origin }));
    }
  };

  const emitPane: PaneWriter<A>["emitPane"] = (k, st, w, out) => {
    pane(k, st.keyFields, { start: w.start, end: w.end }, w.acc, st.clock, out);
    w.addedSincePane = 0;
    w.changedSincePane = false;
    w.paneEmitted = true;
  };

  return { pane, emitPane };
};
