/**
 * The final view of a sink: what parity between runners is judged on.
 *
 * For rows of keyed aggregates (elements with a pane key) the final view
 * holds the rows of the last pane per pane key — a pane marker starts a new
 * pane and replaces the old rows, and a marker with no rows retracts the key.
 * Rows without a pane key are all kept (a bag). Rows are sorted by pane key
 * (in lockstep's value order), then by canonical JSON.
 *
 * @module
 */
import { canonicalJson, compareStrings } from "../core/canonical.ts";
import { compareValues } from "../core/order.ts";
import type { Elem } from "./elem.ts";

/** Accumulates one sink's elements into its final view. */
export class FinalView {
  private readonly panes = new Map<string, { pkv: readonly unknown[]; rows: unknown[] }>();
  private readonly bag: unknown[] = [];

  /** Applies one sink element. */
  add(e: Elem): void {
    if (e.pk === undefined) {
      if (!e.marker) this.bag.push(e.v);
      return;
    }
    if (e.marker) {
      this.panes.set(e.pk, { pkv: e.pkv ?? [], rows: [] });
      return;
    }
    let p = this.panes.get(e.pk);
    if (!p) this.panes.set(e.pk, (p = { pkv: e.pkv ?? [], rows: [] }));
    p.rows.push(e.v);
  }

  /**
   * The final view, sorted by output key, then by canonical JSON. Rows of
   * different panes with equal output keys (two aggregates flattened into one
   * sink) are sorted together, so the order never depends on which came first.
   */
  rows(): unknown[] {
    const keyed: { pkv: readonly unknown[]; json: string; row: unknown }[] = [];
    for (const p of this.panes.values()) for (const row of p.rows) keyed.push({ pkv: p.pkv, json: canonicalJson(row), row });
    keyed.sort((a, b) => compareValues(a.pkv, b.pkv) || compareStrings(a.json, b.json));
    const out = keyed.map((x) => x.row);
    // A loop, not push(...): spreading a bag of ~100k+ rows overflows the call stack.
    for (const row of sortCanonical(this.bag)) out.push(row);
    return out;
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
