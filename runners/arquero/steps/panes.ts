/**
 * The rows of a keyed aggregate's final panes, as a table: the row fields
 * (`{...kv, windowStart, windowEnd, …values}`, later names winning as in the
 * DirectRunner's object spread), the output key that the final view groups
 * by (`_pk`: stage, key and window, so two aggregates flattened into one
 * sink never replace each other's panes; `_pkv`: the key's values then the
 * window bounds, the order output files are sorted in), and the metadata a
 * pane element carries on: event time (`end − 1` for a bounded window, else
 * the key's clock or 0), the key's stage clock, origin
 * `{ source: stage, offset: 0 }` — or, for a sequence, its first element's.
 *
 * Arrival of panes: the DirectRunner emits end-of-input panes stage by stage
 * in plan order, keys sorted by canonical JSON, so `_i` ranks them after
 * every input record in that order.
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import { compareStrings } from "../../../src/core/canonical.ts";
import { windowKey } from "../../../src/window/assign.ts";
import { COL, fieldColumn, tableOf } from "../columns.ts";

/** Pane ranks of stage `position` start here: above every input record's rank, below 2^53. */
export const paneBase = (position: number): number => (position + 1) * 2 ** 42;

/** One output row per entry of the arrays (all the same length). */
export interface PaneRows {
  readonly k: readonly string[];
  readonly kv: readonly Record<string, unknown>[];
  /** Window bounds per row, when the stage has a window stage (null: implicit global). */
  readonly window: { readonly ws: readonly number[]; readonly we: readonly number[] } | null;
  /** Further row fields, in order (aggregates, join sides, the sequence). */
  readonly values: readonly (readonly [string, readonly unknown[]])[];
  /** The key's stage clock per row. */
  readonly c: readonly number[];
  /** Pane event time per row, when not the window's (sequences: the key's newest event time). */
  readonly t?: readonly number[];
  /** Per row, the element whose origin and clock id the pane carries, instead of the stage's (sequences). */
  readonly from?: readonly { readonly src: string; readonly off: number; readonly sk: string }[];
}

const finiteOrNull = (n: number): number | null => (Number.isFinite(n) ? n : null);

/** The pane table of stage `stage` at plan position `position`. */
export const paneTable = (stage: string, position: number, p: PaneRows): ColumnTable => {
  const n = p.k.length;
  const cols: Record<string, unknown[]> = {};
  const names = new Set<string>();
  for (const kv of p.kv) for (const f of Object.keys(kv)) names.add(f);
  for (const f of names) cols[fieldColumn(f)] = p.kv.map((kv) => (Object.hasOwn(kv, f) ? kv[f] : undefined));
  const w = p.window;
  if (w) {
    cols[fieldColumn("windowStart")] = w.ws.map(finiteOrNull);
    cols[fieldColumn("windowEnd")] = w.we.map(finiteOrNull);
  }
  for (const [name, values] of p.values) cols[fieldColumn(name)] = [...values];
  const pk = p.k.map((k, r) => (w ? `${stage}|${k}|${windowKey({ start: w.ws[r]!, end: w.we[r]! })}` : `${stage}|${k}`));
  const pkv = p.kv.map((kv, r) => (w ? [...Object.values(kv), finiteOrNull(w.ws[r]!), finiteOrNull(w.we[r]!)] : Object.values(kv)));
  const t = p.t ?? p.c.map((c, r) => (w && Number.isFinite(w.we[r]) ? w.we[r]! - 1 : Number.isFinite(c) ? c : 0));
  const order = Array.from({ length: n }, (_, r) => r).sort((a, b) => compareStrings(p.k[a]!, p.k[b]!) || (w ? w.ws[a]! - w.ws[b]! : 0));
  const rank = new Array<number>(n);
  order.forEach((r, i) => (rank[r] = paneBase(position) + i));
  return tableOf({
    ...cols,
    [COL.i]: rank,
    [COL.j]: new Array<number>(n).fill(0),
    [COL.src]: p.from ? p.from.map((f) => f.src) : new Array<string>(n).fill(stage),
    [COL.off]: p.from ? p.from.map((f) => f.off) : new Array<number>(n).fill(0),
    [COL.sk]: p.from ? p.from.map((f) => f.sk) : new Array<string>(n).fill(""),
    [COL.t]: [...t],
    [COL.c]: [...p.c],
    [COL.k]: [...p.k],
    [COL.kn]: p.kv.map((kv) => Object.keys(kv)),
    [COL.pk]: pk,
    [COL.pkv]: pkv,
  })
    .orderby(COL.i)
    .reify();
};
