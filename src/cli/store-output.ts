/**
 * `lockstep run … --store DIR`: after a run, each keyed sink's final view is
 * written to the view store as a new snapshot (switched in atomically: a
 * server reading the store sees the old view or the new one, never a mix).
 * The store is opened before the run, so a store of another definition is
 * refused before any work is done.
 *
 * @module
 */
import type { Plan } from "../plan/ir.ts";
import type { ViewStore } from "../store/index.ts";
import { UsageError } from "./usage-error.ts";

/** A store opened for a run, with the output key fields of the plan's sinks. */
export interface RunStore {
  readonly store: ViewStore;
  readonly keys: Map<string, readonly string[] | null>;
}

/**
 * Opens (or creates) the store `dir` for `plan`'s views. A store of another
 * definition, or a plan without a keyed sink, is a usage error naming the fix.
 */
export const openRunStore = async (plan: Plan, dir: string): Promise<RunStore> => {
  const { openViewStore, outputKeyFields, StoreError } = await import("../store/index.ts");
  const keys = outputKeyFields(plan);
  if (![...keys.values()].some((k) => k !== null)) {
    throw new UsageError(
      `--store ${dir}: no sink of "${plan.name}" is keyed, so its rows have no output key to be looked up by. Fix: end a sink's stream with a keyed stage (L.keyBy(...) then combine or sequence)`,
    );
  }
  try {
    return { store: openViewStore(dir, { definition: { name: plan.name, version: plan.version, hash: plan.hash } }), keys };
  } catch (e) {
    if (e instanceof StoreError) throw new UsageError(e.message);
    throw e;
  }
};

/** Writes every keyed sink's final view as a new snapshot; returns the summary lines. */
export const writeRunStore = async ({ store, keys }: RunStore, views: Readonly<Record<string, { rows(): Iterable<unknown> }>>): Promise<string[]> => {
  const { viewEntriesOf } = await import("../store/index.ts");
  const lines: string[] = [];
  try {
    for (const [sink, fields] of keys) {
      if (fields === null) {
        lines.push(`  store ${store.dir}: sink ${sink} not stored (its rows are not keyed)`);
        continue;
      }
      const rec = await store.writeSnapshot(sink, viewEntriesOf(store.dir, sink, fields, views[sink]?.rows() ?? []));
      lines.push(`  store ${store.dir}: sink ${sink} → generation ${rec.generation}, ${rec.keys} keys (by ${fields.join(", ")})`);
    }
  } finally {
    await store.close();
  }
  return lines;
};
