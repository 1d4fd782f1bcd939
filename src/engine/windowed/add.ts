/**
 * Adding an element to the window it was assigned to, for windows with fixed
 * bounds (fixed, sliding, global): the window is found by its start, or opened.
 * Sessions, whose bounds move as elements arrive, are in `sessions.ts`.
 *
 * @module
 */
import type { Window } from "../../window/types.ts";
import type { Elem } from "../elem.ts";
import type { KeyState, WinEntry, WindowAggregation } from "./types.ts";

/** Adds `e` (arrived on `port`) to the key's window `w`, opening it if needed. */
export const addToWindow = <A>(agg: WindowAggregation<A>, st: KeyState<A>, e: Elem, port: number, w: Window): void => {
  let entry: WinEntry<A> | undefined;
  for (let i = 0; i < st.w.length; i++) {
    if (st.w[i]!.s === w.start) {
      entry = st.w[i];
      break;
    }
  }
  if (!entry) {
    entry = { s: w.start, e: w.end, a: agg.create(), n: 0, f: false, d: false, p: false };
    st.w.push(entry);
  }
  entry.a = agg.add(entry.a, e, port);
  entry.n++;
  entry.d = true;
};
