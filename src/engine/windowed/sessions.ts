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
import type { KeyWindows, OpenWindow, WindowAggregation } from "./types.ts";

/** Called for an emitted session that a merge replaced: its pane must be retracted. */
export type Retract = (old: Window) => void;

/**
 * Adds `e` (arrived on `port`) with its proto-session `w` to the key's
 * sessions, merging every session that overlaps `w`. Keeps the sessions
 * sorted by start. A merged session inherits "fired" and "emitted" only when
 * its bounds did not change.
 */
export const addToSession = <A>(agg: WindowAggregation<A>, st: KeyWindows<A>, e: Elem, port: number, w: Window, retract: Retract): void => {
  let start = w.start;
  let end = w.end;
  let acc = agg.add(agg.create(), e, port);
  let added = 1;
  const keep: OpenWindow<A>[] = [];
  const merged: OpenWindow<A>[] = [];
  for (const x of st.windows) {
    if (x.start < w.end && w.start < x.end) merged.push(x);
    else keep.push(x);
  }
  for (const x of merged) {
    start = Math.min(start, x.start);
    end = Math.max(end, x.end);
    acc = agg.merge(x.acc, acc);
    added += x.addedSincePane;
  }
  // The one merged session whose bounds did not change, if any: it is still the same output key.
  const same = merged.length === 1 && merged[0]!.start === start && merged[0]!.end === end ? merged[0]! : undefined;
  for (const x of merged) if (x !== same && x.paneEmitted) retract({ start: x.start, end: x.end });
  keep.push({
    start,
    end,
    acc,
    addedSincePane: added,
    onTimeFired: same?.onTimeFired ?? false,
    changedSincePane: true,
    paneEmitted: same?.paneEmitted ?? false,
  });
  keep.sort((x, y) => x.start - y.start);
  st.windows = keep;
};
