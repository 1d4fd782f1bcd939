/**
 * The persisted form of a key's window state, and the only place that knows
 * it. A durable state backend writes store values as they are (the Kafka
 * runner: JSON in a compacted changelog topic, restored when a task restarts),
 * so these short keys are what existing changelogs hold: renaming one would
 * make a restarted run read old state as empty windows. Keep them as they are;
 * a change of shape needs a new encoding that still reads this one.
 *
 * The engine works on the named form (`KeyWindows`, `OpenWindow`); a durable
 * backend converts with `WINDOW_STATE_CODEC` when it writes and restores (the
 * memory backend holds the named form: no conversion per element).
 *
 * @module
 */
import type { StateCodec } from "../state.ts";
import type { KeyWindows, OpenWindow } from "./types.ts";

/** An open window as persisted. */
export interface StoredWindow<A> {
  /** start */
  s: number;
  /** end */
  e: number;
  /** acc */
  a: A;
  /** addedSincePane */
  n: number;
  /** onTimeFired */
  f: boolean;
  /** changedSincePane */
  d: boolean;
  /** paneEmitted */
  p: boolean;
}

/** A key's window state as persisted. */
export interface StoredKeyWindows<A> {
  /** clock */
  c: number;
  /** windows */
  w: StoredWindow<A>[];
  /** keyFields */
  kv: Readonly<Record<string, unknown>>;
}

/** The named form of a persisted key state. */
export const decodeKeyWindows = <A>(x: StoredKeyWindows<A>): KeyWindows<A> => ({
  clock: x.c,
  windows: x.w.map(
    (w): OpenWindow<A> => ({
      start: w.s,
      end: w.e,
      acc: w.a,
      addedSincePane: w.n,
      onTimeFired: w.f,
      changedSincePane: w.d,
      paneEmitted: w.p,
    }),
  ),
  keyFields: x.kv,
});

/** The persisted form of a key state (keys in the order earlier versions wrote them). */
export const encodeKeyWindows = <A>(st: KeyWindows<A>): StoredKeyWindows<A> => ({
  c: st.clock,
  w: st.windows.map(
    (w): StoredWindow<A> => ({
      s: w.start,
      e: w.end,
      a: w.acc,
      n: w.addedSincePane,
      f: w.onTimeFired,
      d: w.changedSincePane,
      p: w.paneEmitted,
    }),
  ),
  kv: st.keyFields,
});

/** The window state's persisted form, for durable state backends (the memory backend never converts). */
export const WINDOW_STATE_CODEC: StateCodec<KeyWindows<unknown>> = {
  encode: (v) => encodeKeyWindows(v),
  decode: (x) => decodeKeyWindows(x as StoredKeyWindows<unknown>),
};
