/**
 * Task state backed by changelog topics, as in Kafka Streams: state lives in
 * memory; every store write marks the key dirty, and at each commit the
 * latest value of every dirty key is written to the stage's compacted
 * changelog topic in the same transaction as the outputs and input offsets.
 * On (re)assignment a task restores its stores by reading its changelog
 * partition to the end.
 *
 * This module holds the changelog's record format (shared by both task state
 * backends: this one in memory, and lmdb-changelog-state.ts on disk) and the
 * memory backend.
 *
 * @module
 */
import type { KeyedStore, StateBackend, StateCodec } from "../../src/engine/state.ts";
import { decodeStateText as decode, encodeStateText as encode } from "../../src/engine/state-text.ts";
import type { InMessage, OutMessage } from "./client.ts";

/** What a task needs of its state: stores for its operators, their changelog writes, and restoring them. */
export interface TaskState extends StateBackend {
  /** The changelog records for every key changed since the last call. */
  drain(): OutMessage[];
  /** Applies changelog records read back from `stage`'s topic (last write wins). */
  restore(stage: string, records: readonly InMessage[]): void;
  /** Keys changed and not yet drained (0: every change is in a drained changelog record). */
  pendingWrites(): number;
}

/** The changelog record key of `key` in store `name`: a stage's stores share its changelog topic. */
export const changelogKey = (name: string, key: string): string => `${name}\u0000${key}`;

/** The store name and key of a changelog record key (see {@link changelogKey}). */
export const splitChangelogKey = (recordKey: string): { name: string; key: string } => {
  const at = recordKey.indexOf("\u0000");
  return { name: recordKey.slice(0, at), key: recordKey.slice(at + 1) };
};

/** A changelog record's value: the state text of the value's persisted form; null (a tombstone) for a deleted key. */
export const changelogValue = (value: unknown, codec: StateCodec<unknown> | undefined): string | null =>
  value === undefined ? null : encode(codec ? codec.encode(value) : value);

/** A state backend for one task (one sub-topology on one partition), in memory. */
export class ChangelogState implements TaskState {
  private readonly maps = new Map<string, Map<string, unknown>>();
  private readonly dirty = new Map<string, Set<string>>();
  /** Each store's persisted form, once the store is opened with one. */
  private readonly codecs = new Map<string, StateCodec<unknown>>();
  /** Stores restored before they were opened: their values are still in the persisted form. */
  private readonly undecoded = new Set<string>();

  constructor(
    private readonly partition: number,
    private readonly topicOf: (stage: string) => string | undefined,
  ) {}

  store<V>(stage: string, name: string, codec?: StateCodec<V>): KeyedStore<V> {
    const id = `${stage}\u0000${name}`;
    let m = this.maps.get(id);
    if (!m) this.maps.set(id, (m = new Map()));
    const map = m;
    if (codec) {
      this.codecs.set(id, codec as StateCodec<unknown>);
      if (this.undecoded.delete(id)) for (const [k, v] of map) map.set(k, codec.decode(v));
    }
    const logged = this.topicOf(stage) !== undefined;
    const mark = (key: string) => {
      if (!logged) return;
      let d = this.dirty.get(id);
      if (!d) this.dirty.set(id, (d = new Set()));
      d.add(key);
    };
    return {
      get: (key) => map.get(key) as V | undefined,
      set: (key, value) => {
        map.set(key, value);
        mark(key);
      },
      delete: (key) => {
        map.delete(key);
        mark(key);
      },
      keys: () => map.keys(),
    };
  }

  /** The changelog records for every key changed since the last call. */
  drain(): OutMessage[] {
    const out: OutMessage[] = [];
    for (const [id, keys] of this.dirty) {
      const [stage, name] = id.split("\u0000") as [string, string];
      const topic = this.topicOf(stage)!;
      const map = this.maps.get(id)!;
      const codec = this.codecs.get(id);
      for (const k of keys) out.push({ topic, partition: this.partition, key: changelogKey(name, k), value: changelogValue(map.get(k), codec) });
    }
    this.dirty.clear();
    return out;
  }

  pendingWrites(): number {
    let n = 0;
    for (const d of this.dirty.values()) n += d.size;
    return n;
  }

  /** Applies changelog records read back from `stage`'s topic (last write wins). */
  restore(stage: string, records: readonly InMessage[]): void {
    for (const r of records) {
      if (r.key === null) continue;
      const { name, key } = splitChangelogKey(r.key);
      const id = `${stage}\u0000${name}`;
      let m = this.maps.get(id);
      if (!m) this.maps.set(id, (m = new Map()));
      const codec = this.codecs.get(id);
      if (!codec) this.undecoded.add(id);
      if (r.value === null) m.delete(key);
      else m.set(key, codec ? codec.decode(decode(r.value)) : decode(r.value));
    }
  }
}
