/**
 * The handoff checkpoint (docs/semantics.md §17): the engine's whole state as
 * of a cut in the input — every checkpointed stage's stores, entry by entry,
 * in their persisted form — written by a DirectRunner run over the history up
 * to the cut, and read by the Kafka runner, which continues from the cut as
 * if it had processed the history itself.
 *
 * The file is JSON: `format`, the plan's identity (a checkpoint is only valid
 * for the plan whose content hash it names), the records read per source
 * (the cut), and the stores. An entry holds the store key, the value as the
 * store's codec persists it (±Infinity as `$num` objects, state-text.ts) and
 * its route: the source key (canonical JSON text, null for none) of the
 * source record whose processing last wrote it — on Kafka, the partition the
 * entry belongs to when its stage runs in a source's sub-topology.
 *
 * @module
 */
import { DefinitionError } from "../../core/errors.ts";
import type { Plan } from "../../plan/ir.ts";

/** The format tag of a checkpoint file; a reader refuses any other. */
export const CHECKPOINT_FORMAT = "lockstep.checkpoint/1";

/** One store entry as persisted. */
export interface CheckpointEntry {
  readonly key: string;
  /** The value in the store's persisted form, JSON-safe (state-text.ts). */
  readonly value: unknown;
  /** The source key text of the record that last wrote the entry; null: an unkeyed source (or a record without one). */
  readonly route: string | null;
}

/** One store of one stage. */
export interface CheckpointStore {
  readonly stage: string;
  readonly store: string;
  readonly entries: readonly CheckpointEntry[];
}

/** A whole checkpoint. */
export interface Checkpoint {
  readonly format: typeof CHECKPOINT_FORMAT;
  readonly plan: { readonly name: string; readonly version: number; readonly hash: string };
  /** Records read per source up to the cut: the continuing run starts at the next one. */
  readonly cut: Readonly<Record<string, number>>;
  readonly stores: readonly CheckpointStore[];
}

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);

/**
 * Reads a checkpoint from its parsed JSON, checking its shape: a wrong
 * format, or a field of the wrong type, is a DefinitionError naming the field.
 * `where` names the file in messages.
 */
export const parseCheckpoint = (json: unknown, where: string): Checkpoint => {
  const bad = (path: string, problem: string): never => {
    throw new DefinitionError(`${where}: ${path}`, problem, "give a checkpoint written by `lockstep run --runner direct --checkpoint-out FILE`");
  };
  if (!isObj(json)) bad("(file)", "is not a JSON object");
  const o = json as Record<string, unknown>;
  if (o.format !== CHECKPOINT_FORMAT) bad("format", `is ${JSON.stringify(o.format)}, expected "${CHECKPOINT_FORMAT}"`);
  const p = o.plan;
  if (!isObj(p) || typeof p.name !== "string" || typeof p.version !== "number" || typeof p.hash !== "string")
    bad("plan", "must be { name: string, version: number, hash: string }");
  if (!isObj(o.cut) || Object.values(o.cut).some((n) => typeof n !== "number" || !Number.isInteger(n) || n < 0))
    bad("cut", "must map each source to a record count (a non-negative integer)");
  if (!Array.isArray(o.stores)) bad("stores", "must be an array");
  (o.stores as unknown[]).forEach((s, i) => {
    if (!isObj(s) || typeof s.stage !== "string" || typeof s.store !== "string" || !Array.isArray(s.entries))
      bad(`stores[${i}]`, "must be { stage: string, store: string, entries: [] }");
    ((s as Record<string, unknown>).entries as unknown[]).forEach((e, j) => {
      if (!isObj(e) || typeof e.key !== "string" || !("value" in e) || (e.route !== null && typeof e.route !== "string"))
        bad(`stores[${i}].entries[${j}]`, "must be { key: string, value, route: string | null }");
    });
  });
  return o as unknown as Checkpoint;
};

/** Refuses a checkpoint written for another plan (its content hash differs): the state would not mean the same. */
export const assertCheckpointFor = (cp: Checkpoint, plan: Plan): void => {
  if (cp.plan.hash !== plan.hash)
    throw new DefinitionError(
      "checkpoint",
      `was written for "${cp.plan.name}" v${cp.plan.version} (${cp.plan.hash}), not for "${plan.name}" v${plan.version} (${plan.hash}): the plan changed since the batch run`,
      "run the batch part again with this definition (lockstep run --runner direct --checkpoint-out FILE), or continue with the definition the checkpoint was written for",
    );
};
