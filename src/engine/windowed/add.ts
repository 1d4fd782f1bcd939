/**
 * Adding an element to the window it was assigned to, for windows with fixed
 * bounds (fixed, sliding, global): the window is found by its start, or opened.
 * Sessions, whose bounds move as elements arrive, are in `sessions.ts`.
 *
 * @module
 */
import type { Window } from "../../window/types.ts";
import type { Elem } from "../elem.ts";
import type { KeyWindows, OpenWindow, WindowAggregation } from "./types.ts";

/** Adds `e` (arrived on `port`) to the key's window `w`, opening it if needed. */
export const addToWindow = <A>(agg: WindowAggregation<A>, st: KeyWindows<A>, e: Elem, port: number, w: Window): void => {
  let open: OpenWindow<A> | undefined;
  for (let i = 0; i < st.windows.length; i++) {
    if (st.windows[i]!.start === w.start) {
      open = st.windows[i];
      break;
    }
  }
  if (!open) {
    open = { start: w.start, end: w.end, acc: agg.create(), addedSincePane: 0, onTimeFired: false, changedSincePane: false, paneEmitted: false };
    st.windows.push(open);
  }
  open.acc = agg.add(open.acc, e, port);
  open.addedSincePane++;
  open.changedSincePane = true;
};
