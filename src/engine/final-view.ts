/**
 * The final view of a sink: what parity between runners is judged on.
 *
 * For rows of keyed aggregates (elements with a pane key) the final view
 * holds the rows of the last pane per pane key — a pane marker starts a new
 * pane and replaces the old rows, and a marker with no rows retracts the key.
 * Rows without a pane key are all kept (a bag). Rows are sorted by pane key
 * (in lockstep's value order), then by canonical JSON (src/engine/view-order.ts).
 *
 * One rule, two backends: {@link applySinkElement} is the pane rule, and a
 * {@link PaneStore} keeps the panes — {@link FinalView} in memory (sorted at
 * the end), `LmdbFinalView` (src/engine/lmdb-final-view.ts) on disk, keyed so
 * that LMDB's key order is the view's order.
 *
 * @module
 */
import { canonicalJson, compareStrings } from "../core/canonical.ts";
import type { Elem } from "./elem.ts";
import { compareViewRows } from "./view-order.ts";

/** A sink's final view as a runner uses it: fed element by element, read once the input has ended. */
export interface SinkView {
  /** Applies one sink element (the pane rule: {@link applySinkElement}). */
  add(e: Elem): void;
  /** How many rows the view holds. */
  readonly size: number;
  /** The rows in the final view's order; the iterable may be iterated more than once. */
  rows(): Iterable<unknown>;
}

/** Where a final view keeps its panes: the three changes the pane rule makes. */
export interface PaneStore {
  /** A new pane for `pk` begins: its earlier rows are gone. */
  replacePane(pk: string, pkv: readonly unknown[]): void;
  /** One more row of the current pane of `pk` (a pane with no marker yet begins with it). */
  addRow(pk: string, pkv: readonly unknown[], row: unknown): void;
  /** One row without a pane key. */
  addUnkeyed(row: unknown): void;
}

/** The pane rule: a marker replaces its key's pane, a row joins it, a row without a pane key joins the bag (markers without one carry nothing). */
export const applySinkElement = (store: PaneStore, e: Elem): void => {
  if (e.pk === undefined) {
    if (!e.marker) store.addUnkeyed(e.v);
  } else if (e.marker) store.replacePane(e.pk, e.pkv ?? []);
  else store.addRow(e.pk, e.pkv ?? [], e.v);
};

/**
 * A final view in memory as plain data (structured-cloneable), to move it between threads: each pane
 * as its pane key, key values and rows, and the rows without a pane key.
 */
export interface FinalViewParts {
  readonly panes: readonly (readonly [pk: string, pkv: readonly unknown[], rows: readonly unknown[]])[];
  readonly bag: readonly unknown[];
}

/** Accumulates one sink's elements into its final view, in memory. */
export class FinalView implements SinkView, PaneStore {
  /**
   * One view holding the panes and bags of views built apart over disjoint pane keys (the DirectRunner's
   * worker threads, each with whole source keys): its rows are those one view fed every element would
   * hold. A pane key in two parts means they were not disjoint, and would lose a pane: an error.
   */
  static merge(parts: readonly FinalViewParts[]): FinalView {
    const view = new FinalView();
    for (const part of parts) {
      for (const [pk, pkv, rows] of part.panes) {
        if (view.panes.has(pk))
          throw new Error(`internal error: pane key ${pk} was kept by two worker threads (the plan was split where it needs an exchange)`);
        view.panes.set(pk, { pkv, rows: [...rows] });
      }
      for (const row of part.bag) view.bag.push(row);
    }
    return view;
  }

  /** The view as plain data; see {@link FinalView.merge}. */
  parts(): FinalViewParts {
    return { panes: [...this.panes].map(([pk, p]) => [pk, p.pkv, p.rows] as const), bag: this.bag };
  }

  private readonly panes = new Map<string, { pkv: readonly unknown[]; rows: unknown[] }>();
  private readonly bag: unknown[] = [];

  /** Applies one sink element. */
  add(e: Elem): void {
    applySinkElement(this, e);
  }

  replacePane(pk: string, pkv: readonly unknown[]): void {
    this.panes.set(pk, { pkv, rows: [] });
  }

  addRow(pk: string, pkv: readonly unknown[], row: unknown): void {
    let p = this.panes.get(pk);
    if (!p) this.panes.set(pk, (p = { pkv, rows: [] }));
    p.rows.push(row);
  }

  addUnkeyed(row: unknown): void {
    this.bag.push(row);
  }

  get size(): number {
    let n = this.bag.length;
    for (const p of this.panes.values()) n += p.rows.length;
    return n;
  }

  /**
   * The final view, sorted by output key, then by canonical JSON. Rows of
   * different panes with equal output keys (two aggregates flattened into one
   * sink) are sorted together, so the order never depends on which came first.
   */
  rows(): unknown[] {
    const keyed: KeyedRow[] = [];
    for (const p of this.panes.values()) for (const row of p.rows) keyed.push(new KeyedRow(p.pkv, row));
    keyed.sort(compareViewRows);
    const out = keyed.map((x) => x.row);
    // A loop, not push(...): spreading a bag of ~100k+ rows overflows the call stack.
    for (const row of sortCanonical(this.bag)) out.push(row);
    return out;
  }
}

/**
 * A keyed row as the view's order reads it. Its canonical JSON is made only when the order needs it —
 * when two rows have equal output keys, which most never do (one row per pane) — and then once.
 */
class KeyedRow {
  private text: string | undefined;
  constructor(
    readonly pkv: readonly unknown[],
    readonly row: unknown,
  ) {}
  get json(): string {
    this.text ??= canonicalJson(this.row);
    return this.text;
  }
}

/** Sorts rows by canonical JSON (code-unit order). */
export const sortCanonical = (rows: readonly unknown[]): unknown[] =>
  rows.length < 2
    ? [...rows]
    : rows
        .map((r) => [canonicalJson(r), r] as const)
        .sort((a, b) => compareStrings(a[0], b[0]))
        .map(([, r]) => r);
