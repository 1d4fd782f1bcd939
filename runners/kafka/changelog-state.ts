/**
 * Task state backed by changelog topics, as in Kafka Streams: state lives in
 * memory; every store write marks the key dirty, and at each commit the
 * latest value of every dirty key is written to the stage's compacted
 * changelog topic in the same transaction as the outputs and input offsets.
 * On (re)assignment a task restores its stores by reading its changelog
 * partition to the end.
 *
 * @module
 */
import type { KeyedStore, StateBackend, StateCodec } from "../../src/engine/state.ts";
import { decodeStateText as decode, encodeStateText as encode } from "../../src/engine/state-text.ts";
import type { InMessage, OutMessage } from "./client.ts";

/** A state backend for one task (one sub-topology on one partition). */
export class ChangelogState implements StateBackend {
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
      for (const k of keys) {
        const v = map.get(k);
        const value = v === undefined ? null : encode(codec ? codec.encode(v) : v);
        out.push({ topic, partition: this.partition, key: `${name}\u0000${k}`, value });
      }
    }
    this.dirty.clear();
    return out;
  }

  /** Applies changelog records read back from `stage`'s topic (last write wins). */
  restore(stage: string, records: readonly InMessage[]): void {
    for (const r of records) {
      if (r.key === null) continue;
      const at = r.key.indexOf("\u0000");
      const name = r.key.slice(0, at);
      const key = r.key.slice(at + 1);
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
