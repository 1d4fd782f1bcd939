/**
 * Session merging (docs/semantics.md §7, §9 "session merges"): an element's
 * proto-session `[t, t + gap)` absorbs every open session it overlaps. A
 * session whose bounds change is a different output key, so each old session
 * that already had a pane is retracted.
 *
 * @module
 */
import type { Window } from "../../window/types.ts";
import type { Elem } from "../elem.ts";
import type { KeyState, WinEntry, WindowAggregation } from "./types.ts";

/** Called for an emitted session that a merge replaced: its pane must be retracted. */
export type Retract = (old: Window) => void;

/**
 * Adds `e` (arrived on `port`) with its proto-session `w` to the key's
 * sessions, merging every session that overlaps `w`. Keeps the sessions
 * sorted by start. A merged session inherits "fired" and "emitted" only when
 * its bounds did not change.
 */
export const addToSession = <A>(agg: WindowAggregation<A>, st: KeyState<A>, e: Elem, port: number, w: Window, retract: Retract): void => {
  let s = w.start;
  let end = w.end;
  let a = agg.add(agg.create(), e, port);
  let n = 1;
  const keep: WinEntry<A>[] = [];
  const merged: WinEntry<A>[] = [];
  for (const x of st.w) {
    if (x.s < w.end && w.start < x.e) merged.push(x);
    else keep.push(x);
  }
  for (const x of merged) {
    s = Math.min(s, x.s);
    end = Math.max(end, x.e);
    a = agg.merge(x.a, a);
    n += x.n;
  }
  const same = merged.length === 1 && merged[0]!.s === s && merged[0]!.e === end ? merged[0]! : undefined;
  for (const x of merged) if (x !== same && x.p) retract({ start: x.s, end: x.e });
  keep.push({ s, e: end, a, n, f: same?.f ?? false, d: true, p: same?.p ?? false });
  keep.sort((x, y) => x.s - y.s);
  st.w = keep;
};
