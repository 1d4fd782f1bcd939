/**
 * The keyed, windowed state machine shared by `combine` and `join`: window
 * assignment, the lateness rule, session merging, triggers and panes, and
 * state cleanup. Everything here follows docs/semantics.md ("Windows",
 * "Lateness", "Triggers and panes").
 *
 * Per key the state holds the key's clock (the largest source clock among the
 * elements that reached this stage for the key) and its open windows. This
 * module wires the parts together; each rule lives in `windowed/`:
 * `lateness.ts` (late or not), `add.ts` and `sessions.ts` (where an element
 * goes), `firing.ts` (which panes are emitted, which windows dropped),
 * `panes.ts` (what a pane looks like).
 *
 * @module
 */
import { assignWindows } from "../window/assign.ts";
import type { Window, WindowFn } from "../window/types.ts";
import type { Elem } from "./elem.ts";
import { emitAll } from "./emit-all.ts";
import type { Emit, EngineContext, Operator } from "./operator.ts";
import { addToWindow } from "./windowed/add.ts";
import { fireEnded, fireOnElement, fireRemaining } from "./windowed/firing.ts";
import type { FiringRules } from "./windowed/firing.ts";
import { isLate, lateElementOf } from "./windowed/lateness.ts";
import { paneWriter } from "./windowed/panes.ts";
import { addToSession } from "./windowed/sessions.ts";
import type { StateCodec } from "./state.ts";
import { WINDOW_STATE_CODEC } from "./windowed/state-codec.ts";
import type { KeyWindows, WindowedSpec } from "./windowed/types.ts";

export type { WindowAggregation, WindowedSpec } from "./windowed/types.ts";

const IMPLICIT_GLOBAL: WindowFn = { kind: "global" };
/** The global window's assignment, shared (assignment would allocate it per element). */
const GLOBAL_ONLY: readonly Window[] = [{ start: -Infinity, end: Infinity }];

/** Builds the operator. */
export const windowedOp = <A>(spec: WindowedSpec<A>, ctx: EngineContext, emit: Emit): Operator => {
  // Named fields here; a durable backend persists them in the stable short form (state-codec.ts).
  const store = ctx.state.store<KeyWindows<A>>(spec.id, "windows", WINDOW_STATE_CODEC as StateCodec<KeyWindows<A>>);
  const m = ctx.metrics(spec.id);
  const agg = spec.agg;
  const first = spec.windows[0] ?? null;
  const fn: WindowFn = first?.window ?? IMPLICIT_GLOBAL;
  const lateness = spec.windows.map((w) => w?.allowedLateness ?? 0);
  const session = fn.kind === "session";
  const rules: FiringRules = {
    trigger: first?.trigger ?? { late: true },
    exactCleanup: spec.exactCleanup,
    maxLateness: Math.max(...lateness),
    gap: fn.kind === "session" ? fn.gap : 0,
  };
  const panes = paneWriter(spec.id, agg, first !== null, m);

  /** Puts `e` into every window assigned to it that it is not late for; late ones go to the late output. */
  const assign = (k: string, st: KeyWindows<A>, e: Elem, port: number, out: Elem[]): void => {
    const allowed = lateness[port] ?? 0;
    const windows = fn.kind === "global" ? GLOBAL_ONLY : assignWindows(fn, e.t);
    for (let wi = 0; wi < windows.length; wi++) {
      const w = windows[wi]!;
      if (isLate(e, w, allowed)) {
        m.late++;
        ctx.late(lateElementOf(spec.id, e, w, allowed, session));
        continue;
      }
      if (session) addToSession(agg, st, e, port, w, (old) => panes.pane(k, st.keyFields, old, undefined, st.clock, out));
      else addToWindow(agg, st, e, port, w);
    }
  };

  return {
    id: spec.id,
    process: (e, port) => {
      if (e.marker) return;
      m.in++;
      const k = e.k!;
      const st = store.get(k) ?? { clock: -Infinity, windows: [], keyFields: e.kv ?? {} };
      const out: Elem[] = [];
      assign(k, st, e, port, out);
      if (e.c > st.clock) st.clock = e.c;
      fireOnElement(k, st, rules, panes, out);
      if (st.windows.length === 0 && spec.exactCleanup) store.delete(k);
      else store.set(k, st);
      return out.length > 0 ? emitAll(emit, out) : undefined;
    },
    clock: () => {
      let c = -Infinity;
      for (const k of store.keys()) c = Math.max(c, store.get(k)!.clock);
      return c;
    },
    advance: (time: number) => {
      const out: Elem[] = [];
      for (const k of [...store.keys()].sort()) {
        const st = store.get(k)!;
        if (fireEnded(k, st, time, panes, out)) store.set(k, st);
      }
      return out.length > 0 ? emitAll(emit, out) : undefined;
    },
    finish: () => {
      const out: Elem[] = [];
      for (const k of [...store.keys()].sort()) {
        fireRemaining(k, store.get(k)!, panes, out);
        store.delete(k);
      }
      return emitAll(emit, out);
    },
  };
};
