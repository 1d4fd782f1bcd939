/**
 * A memory state backend that can write a handoff checkpoint: it keeps each
 * store's codec and, for every entry, the route of its last write — the
 * source key of the source record being processed then, which the runner
 * sets before pushing each record ({@link RecordingStateBackend.route}).
 *
 * A route is only right when every state write a record causes happens while
 * that record is being pushed; the DirectRunner therefore delivers in-flight
 * async results (`Topology.flush`) after each record when it records one.
 *
 * @module
 */
import type { Plan } from "../../plan/ir.ts";
import type { KeyedStore, StateBackend, StateCodec } from "../state.ts";
import { toStateJson } from "../state-text.ts";
import { CHECKPOINT_FORMAT } from "./format.ts";
import type { Checkpoint, CheckpointStore } from "./format.ts";
import { CHECKPOINTED_OPS } from "./rules.ts";

interface Recorded {
  readonly stage: string;
  readonly name: string;
  readonly values: Map<string, unknown>;
  readonly routes: Map<string, string | null>;
  codec: StateCodec<unknown> | undefined;
}

/** State in process memory, with what a checkpoint needs besides the values. */
export class RecordingStateBackend implements StateBackend {
  private readonly stores = new Map<string, Recorded>();
  /** The source key of the record being pushed now (null: none). Set by the runner. */
  route: string | null = null;

  store<V>(stage: string, name: string, codec?: StateCodec<V>): KeyedStore<V> {
    const id = `${stage}\u0000${name}`;
    let r = this.stores.get(id);
    if (!r) this.stores.set(id, (r = { stage, name, values: new Map(), routes: new Map(), codec: undefined }));
    const rec = r;
    if (codec) rec.codec = codec as StateCodec<unknown>;
    return {
      get: (key) => rec.values.get(key) as V | undefined,
      set: (key, value) => {
        rec.values.set(key, value);
        rec.routes.set(key, this.route);
      },
      delete: (key) => {
        rec.values.delete(key);
        rec.routes.delete(key);
      },
      keys: () => rec.values.keys(),
    };
  }

  /**
   * The checkpoint of the state as it is now: every store of a checkpointed
   * stage (`CHECKPOINTED_OPS`), entries sorted by key, values in their
   * persisted form. `cut`: records read per source.
   */
  checkpoint(plan: Plan, cut: Readonly<Record<string, number>>): Checkpoint {
    const ops = new Map(plan.nodes.map((n) => [n.id, n.op]));
    const stores: CheckpointStore[] = [];
    for (const r of [...this.stores.values()].sort((a, b) => (a.stage + "\u0000" + a.name < b.stage + "\u0000" + b.name ? -1 : 1))) {
      if (!CHECKPOINTED_OPS.has(ops.get(r.stage) ?? "")) continue;
      const keys = [...r.values.keys()].sort();
      stores.push({
        stage: r.stage,
        store: r.name,
        entries: keys.map((key) => {
          const v = r.values.get(key);
          return { key, value: toStateJson(r.codec ? r.codec.encode(v) : v), route: r.routes.get(key) ?? null };
        }),
      });
    }
    return { format: CHECKPOINT_FORMAT, plan: { name: plan.name, version: plan.version, hash: plan.hash }, cut: { ...cut }, stores };
  }
}
