/**
 * The output key of a sink's rows, and a final view grouped by it: what the
 * view store is keyed by.
 *
 * A sink fed by a keyed stage has the key fields (in `keyBy` order) as its
 * output key, plus `windowStart` and `windowEnd` when a window is in force —
 * the same key the Kafka runner gives sink records (`sinkKeyOf`). Keyed
 * aggregates (combine, join, sequence) put those fields into every row, so
 * the key is read back from the row.
 *
 * @module
 */
import { canonicalJson } from "../core/canonical.ts";
import type { Plan } from "../plan/ir.ts";
import { validatePlan } from "../plan/validate.ts";
import { StoreError } from "./store-error.ts";
import type { OutputKey, ViewEntry } from "./view-store.ts";

/**
 * The output key fields of every sink of `plan`: null for a sink whose rows
 * are not keyed (a bag: there is no key to look a row up by).
 */
export const outputKeyFields = (plan: Plan): Map<string, readonly string[] | null> => {
  const facts = validatePlan(plan);
  const out = new Map<string, readonly string[] | null>();
  for (const n of plan.nodes) {
    if (n.op !== "sink") continue;
    const f = facts.get(n.input);
    out.set(n.id, f?.key ? [...f.key, ...(f.window ? ["windowStart", "windowEnd"] : [])] : null);
  }
  return out;
};

/** The output key of one row (fields in the given order). */
export const keyOfRow = (row: unknown, fields: readonly string[]): OutputKey | undefined => {
  if (typeof row !== "object" || row === null || Array.isArray(row)) return undefined;
  const r = row as Record<string, unknown>;
  const key: Record<string, unknown> = {};
  for (const f of fields) {
    if (!Object.hasOwn(r, f)) return undefined;
    key[f] = r[f];
  }
  return key;
};

/**
 * A sink's final view (rows sorted by output key) grouped into one entry per
 * output key, rows kept in final-view order. Throws {@link StoreError} for a
 * row without one of the key fields (a map before the sink dropped it).
 */
export const viewEntriesOf = (dir: string, sink: string, fields: readonly string[], rows: Iterable<unknown>): ViewEntry[] => {
  const byKey = new Map<string, { key: OutputKey; rows: unknown[] }>();
  for (const row of rows) {
    const key = keyOfRow(row, fields);
    if (key === undefined) {
      const missing = fields.find((f) => typeof row !== "object" || row === null || !Object.hasOwn(row, f)) ?? fields[0];
      throw new StoreError(
        dir,
        `sink "${sink}": a row has no field "${missing}" of its output key (${fields.join(", ")}): ${canonicalJson(row).slice(0, 120)}`,
        "keep the key fields in the sink's rows (a map before the sink must copy them)",
      );
    }
    const k = canonicalJson(key);
    let e = byKey.get(k);
    if (!e) byKey.set(k, (e = { key, rows: [] }));
    e.rows.push(row);
  }
  return [...byKey.values()];
};
