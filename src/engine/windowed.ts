/**
 * The keyed, windowed state machine shared by `combine` and `join`: window
 * assignment, the lateness rule, session merging, triggers and panes, and
 * state cleanup. Everything here follows docs/semantics.md ("Windows",
 * "Lateness", "Triggers and panes").
 *
 * Per key the state holds the key's clock (the largest source clock among the
 * elements that reached this stage for the key) and its open windows.
 *
 * @module
 */
import type { Trigger, WindowNode } from "../plan/ir.ts";
import { assignWindows, windowKey } from "../window/assign.ts";
import type { Window, WindowFn } from "../window/types.ts";
import { elem } from "./elem.ts";
import type { Elem } from "./elem.ts";
import type { Emit, EngineContext, Operator } from "./operator.ts";

/** What a keyed windowed stage aggregates. Accumulators must be plain data. */
export interface WindowAggregation<A> {
  create(): A;
  add(acc: A, e: Elem, port: number): A;
  /** Combines two windows' accumulators (session merging). */
  merge(a: A, b: A): A;
  /** The rows of a pane for key `kv` and window `w` (`windowed` false: no window fields). */
  rows(kv: Readonly<Record<string, unknown>>, w: Window, acc: A, windowed: boolean): unknown[];
}

/** One open window of a key. */
interface WinEntry<A> {
  s: number;
  e: number;
  a: A;
  /** Elements added since the last pane. */
  n: number;
  /** The on-time pane has been emitted. */
  f: boolean;
  /** Changed since the last pane. */
  d: boolean;
  /** Some pane was emitted for exactly these bounds (so a merge must retract it). */
  p: boolean;
}

interface KeyState<A> {
  /** The key's clock at this stage. */
  c: number;
  w: WinEntry<A>[];
  /** The key's fields, for rows emitted at end of input. */
  kv: Readonly<Record<string, unknown>>;
}

/** How a keyed windowed stage is configured. */
export interface WindowedSpec<A> {
  readonly id: string;
  /** The window stage per input port (null: implicit global window, no window fields in rows). */
  readonly windows: readonly (WindowNode | null)[];
  readonly agg: WindowAggregation<A>;
  /**
   * True when every element of a stage key comes from one source key, so the
   * key's clock only grows and a window past `end + lateness` can never take
   * another element: its state can be dropped. Otherwise state is kept until
   * end of input (see docs/semantics.md, "State bounds").
   */
  readonly exactCleanup: boolean;
}

const IMPLICIT_GLOBAL: WindowFn = { kind: "global" };
/** The global window's assignment, shared (assignment would allocate it per element). */
const GLOBAL_ONLY: readonly Window[] = [{ start: -Infinity, end: Infinity }];

/** Builds the operator. */
export const windowedOp = <A>(spec: WindowedSpec<A>, ctx: EngineContext, emit: Emit): Operator => {
  const store = ctx.state.store<KeyState<A>>(spec.id, "windows");
  const m = ctx.metrics(spec.id);
  const agg = spec.agg;
  const first = spec.windows[0] ?? null;
  const fn: WindowFn = first?.window ?? IMPLICIT_GLOBAL;
  const windowed = first !== null;
  const lateness = spec.windows.map((w) => w?.allowedLateness ?? 0);
  const maxLateness = Math.max(...lateness);
  const trigger: Trigger = first?.trigger ?? { late: true };
  const session = fn.kind === "session";
  const gap = fn.kind === "session" ? fn.gap : 0;

  // The stage name is part of the pane key so that two aggregates flattened into one sink never
  // replace each other's panes (which one fired last would depend on arrival order).
  const paneKeyOf = (k: string, w: Window): string => (windowed ? `${spec.id}|${k}|${windowKey(w)}` : `${spec.id}|${k}`);

  /** Emits a pane: a marker, then its rows. An empty row list retracts the pane key. */
  const pane = (k: string, kv: Readonly<Record<string, unknown>>, w: Window, acc: A | undefined, c: number, out: Elem[]): void => {
    const pk = paneKeyOf(k, w);
    // Output keys sort as tuples of the key's values (in keyBy order), then the window bounds.
    const values = Object.values(kv);
    const pkv = windowed ? [...values, Number.isFinite(w.start) ? w.start : null, Number.isFinite(w.end) ? w.end : null] : values;
    const t = Number.isFinite(w.end) ? w.end - 1 : Number.isFinite(c) ? c : 0;
    const origin = { source: spec.id, offset: 0 };
    out.push(elem(undefined, t, c, "", k, kv, pk, pkv, true, origin));
    if (acc === undefined) return;
    m.panes++;
    for (const row of agg.rows(kv, w, acc, windowed)) {
      m.out++;
      out.push(elem(row, t, c, "", k, kv, pk, pkv, false, origin));
    }
  };

  const emitPane = (k: string, st: KeyState<A>, w: WinEntry<A>, out: Elem[]): void => {
    pane(k, st.kv, { start: w.s, end: w.e }, w.a, st.c, out);
    w.n = 0;
    w.d = false;
    w.p = true;
  };

  const send = (out: Elem[], i = 0): void | Promise<void> => {
    for (; i < out.length; i++) {
      const r = emit(out[i]!);
      if (r) return r.then(() => send(out, i + 1));
    }
  };

  const addTo = (k: string, st: KeyState<A>, e: Elem, port: number, w: Window, out: Elem[]): void => {
    if (!session) {
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
      return;
    }
    // Sessions: merge the proto-window with every overlapping session.
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
    // A session whose bounds changed is a different output key: retract what was emitted for the old one.
    for (const x of merged) if (x !== same && x.p) pane(k, st.kv, { start: x.s, end: x.e }, undefined, st.c, out);
    keep.push({ s, e: end, a, n, f: same?.f ?? false, d: true, p: same?.p ?? false });
    keep.sort((x, y) => x.s - y.s);
    st.w = keep;
  };

  return {
    id: spec.id,
    process: (e, port) => {
      if (e.marker) return;
      m.in++;
      const k = e.k!;
      let st = store.get(k);
      if (!st) st = { c: -Infinity, w: [], kv: e.kv ?? {} };
      const out: Elem[] = [];
      const L = lateness[port] ?? 0;
      const windows = fn.kind === "global" ? GLOBAL_ONLY : assignWindows(fn, e.t);
      for (let wi = 0; wi < windows.length; wi++) {
        const w = windows[wi]!;
        // The lateness rule: judged on the element's own source-key clock only.
        if (e.c >= w.end + L) {
          m.late++;
          ctx.late({
            stage: spec.id,
            source: e.origin.source,
            offset: e.origin.offset,
            value: e.v,
            eventTime: e.t,
            clock: e.c,
            // For sessions the window judged (and reported) is the element's proto-window [t, t + gap).
            windowStart: Number.isFinite(w.start) ? w.start : null,
            windowEnd: Number.isFinite(w.end) ? w.end : null,
            reason: `${session ? "its proto-session" : "window"} [${w.start}, ${w.end}) ended at or before its source clock ${e.c} minus allowed lateness ${L}`,
          });
          continue;
        }
        addTo(k, st, e, port, w, out);
      }
      if (e.c > st.c) st.c = e.c;
      const C = st.c;
      const early = trigger.early?.every;
      // Rebuilt only when a window is dropped (the common case drops none).
      let survivors: WinEntry<A>[] | undefined;
      for (let i = 0; i < st.w.length; i++) {
        const w = st.w[i]!;
        if (!w.f && C >= w.e) {
          emitPane(k, st, w, out);
          w.f = true;
        } else if (w.f && w.d && trigger.late) {
          emitPane(k, st, w, out);
        } else if (!w.f && early !== undefined && w.n >= early) {
          emitPane(k, st, w, out);
        }
        if (spec.exactCleanup && C >= w.e + maxLateness + gap) {
          if (w.d) emitPane(k, st, w, out);
          survivors ??= st.w.slice(0, i);
          continue;
        }
        survivors?.push(w);
      }
      if (survivors) st.w = survivors;
      if (st.w.length === 0 && spec.exactCleanup) store.delete(k);
      else store.set(k, st);
      return out.length > 0 ? send(out) : undefined;
    },
    clock: () => {
      let c = -Infinity;
      for (const k of store.keys()) c = Math.max(c, store.get(k)!.c);
      return c;
    },
    advance: (time: number) => {
      // Firing by the passage of time (an idle input): the on-time pane of every window that ended by
      // `time`. Clocks are not touched, so which elements are late, and when state is dropped, stay
      // decided by elements alone (docs/semantics.md §9).
      const out: Elem[] = [];
      for (const k of [...store.keys()].sort()) {
        const st = store.get(k)!;
        let fired = false;
        for (const w of st.w) {
          if (!w.f && w.e <= time) {
            emitPane(k, st, w, out);
            w.f = true;
            fired = true;
          }
        }
        if (fired) store.set(k, st);
      }
      return out.length > 0 ? send(out) : undefined;
    },
    finish: () => {
      // End of input: every window is complete; emit the panes not yet emitted in their final form.
      const out: Elem[] = [];
      const keys = [...store.keys()].sort();
      for (const k of keys) {
        const st = store.get(k)!;
        for (const w of st.w) if (w.d || !w.p) emitPane(k, st, w, out);
        store.delete(k);
      }
      return send(out);
    },
  };
};
