/**
 * Window firing (docs/semantics.md §9 "Triggers and panes", §12 "State
 * bounds"): which windows of a key emit a pane, and which are dropped, after
 * an element, after time passed without elements, and at end of input.
 *
 * @module
 */
import type { Trigger } from "../../plan/ir.ts";
import type { Elem } from "../elem.ts";
import type { PaneWriter } from "./panes.ts";
import type { KeyWindows, OpenWindow } from "./types.ts";

/** What decides firing and dropping after an element. */
export interface FiringRules {
  readonly trigger: Trigger;
  /** Windows may be dropped once the key's clock passes them (see `WindowedSpec.exactCleanup`). */
  readonly exactCleanup: boolean;
  /** The largest allowed lateness of any input port. */
  readonly maxLateness: number;
  /**
   * The session gap (0 for other windows): a window can take no more elements
   * once the key's clock passed its end plus `maxLateness` plus the gap (a later
   * element's proto-session could still merge into it until then).
   */
  readonly gap: number;
}

/**
 * After an element updated key `k`'s clock: emits the on-time pane of every
 * window the clock passed, late panes (when the trigger has them) of fired
 * windows that changed, early panes of windows with `early.every` new
 * elements, and with exact cleanup drops windows no element can reach any more
 * (emitting a last pane first if one is owed).
 */
export const fireOnElement = <A>(k: string, st: KeyWindows<A>, rules: FiringRules, panes: PaneWriter<A>, out: Elem[]): void => {
  const clock = st.clock;
  const early = rules.trigger.early?.every;
  // Rebuilt only when a window is dropped (the common case drops none).
  let survivors: OpenWindow<A>[] | undefined;
  for (let i = 0; i < st.windows.length; i++) {
    const w = st.windows[i]!;
    if (!w.onTimeFired && clock >= w.end) {
      panes.emitPane(k, st, w, out);
      w.onTimeFired = true;
    } else if (w.onTimeFired && w.changedSincePane && rules.trigger.late) {
      panes.emitPane(k, st, w, out);
    } else if (!w.onTimeFired && early !== undefined && w.addedSincePane >= early) {
      panes.emitPane(k, st, w, out);
    }
    if (rules.exactCleanup && clock >= w.end + rules.maxLateness + rules.gap) {
      if (w.changedSincePane) panes.emitPane(k, st, w, out);
      survivors ??= st.windows.slice(0, i);
      continue;
    }
    survivors?.push(w);
  }
  if (survivors) st.windows = survivors;
};

/**
 * Firing by the passage of time (an idle input): the on-time pane of every
 * window of key `k` that ended by `time`. The key's clock is not touched, so
 * which elements are late, and when state is dropped, stay decided by
 * elements alone (docs/semantics.md §9). True when some window fired.
 */
export const fireEnded = <A>(k: string, st: KeyWindows<A>, time: number, panes: PaneWriter<A>, out: Elem[]): boolean => {
  let fired = false;
  for (const w of st.windows) {
    if (!w.onTimeFired && w.end <= time) {
      panes.emitPane(k, st, w, out);
      w.onTimeFired = true;
      fired = true;
    }
  }
  return fired;
};

/**
 * End of input: every window is complete; emits each window's pane unless it
 * was already emitted in its final form.
 */
export const fireRemaining = <A>(k: string, st: KeyWindows<A>, panes: PaneWriter<A>, out: Elem[]): void => {
  for (const w of st.windows) if (w.changedSincePane || !w.paneEmitted) panes.emitPane(k, st, w, out);
};
