/**
 * The shapes the windowed state machine works on: what a stage aggregates, how
 * it is configured, and the state it keeps per key.
 *
 * @module
 */
import type { WindowNode } from "../../plan/ir.ts";
import type { Window } from "../../window/types.ts";
import type { Elem } from "../elem.ts";

/** What a keyed windowed stage aggregates. Accumulators must be plain data. */
export interface WindowAggregation<A> {
  create(): A;
  add(acc: A, e: Elem, port: number): A;
  /** Combines two windows' accumulators (session merging). */
  merge(a: A, b: A): A;
  /** The rows of a pane for key `kv` and window `w` (`windowed` false: no window fields). */
  rows(kv: Readonly<Record<string, unknown>>, w: Window, acc: A, windowed: boolean): unknown[];
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

/**
 * One open window of a key. In memory only: the store holds it in its
 * persisted form (`state-codec.ts`).
 */
export interface OpenWindow<A> {
  start: number;
  end: number;
  acc: A;
  /** Elements added since the last pane (an early trigger counts them). */
  addedSincePane: number;
  /** The on-time pane has been emitted. */
  onTimeFired: boolean;
  /** Changed since the last pane. */
  changedSincePane: boolean;
  /** Some pane was emitted for exactly these bounds (so a merge must retract it). */
  paneEmitted: boolean;
}

/** The state of one key: its clock and its open windows. */
export interface KeyWindows<A> {
  /** The key's clock at this stage: the largest source clock among its elements. */
  clock: number;
  /** Sorted by start for sessions; in order of opening otherwise. */
  windows: OpenWindow<A>[];
  /** The key's fields, for rows emitted at end of input. */
  keyFields: Readonly<Record<string, unknown>>;
}
