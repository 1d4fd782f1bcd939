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

  /** The final view, sorted. */
  rows(): unknown[] {
    const panes = [...this.panes.values()].filter((p) => p.rows.length > 0);
    panes.sort((a, b) => compareValues(a.pkv, b.pkv));
    const out: unknown[] = [];
    for (const p of panes) out.push(...sortCanonical(p.rows));
    out.push(...sortCanonical(this.bag));
    return out;
  }
}

/** Sorts rows by canonical JSON (code-unit order). */
export const sortCanonical = (rows: readonly unknown[]): unknown[] =>
  rows
    .map((r) => [canonicalJson(r), r] as const)
    .sort((a, b) => compareStrings(a[0], b[0]))
    .map(([, r]) => r);
