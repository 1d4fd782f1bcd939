/**
 * Task state on disk (`state: "lmdb"`): the task's logged stores live in an
 * LMDB environment of its own (src/engine/lmdb-state.ts, bounded cache), so a
 * task's state can be larger than the heap, and it survives the process —
 * a restart with a valid checkpoint (local-store.ts) replays only the
 * changelog's tail. The changelog records are those of the memory backend
 * (changelog-state.ts): the same keys, the same values, so either backend
 * restores what the other wrote.
 *
 * Stores of stages without a changelog (a lookup's table versions) stay in
 * memory: they are rebuilt from the table whenever a task starts, and one
 * kept on disk would be loaded twice.
 *
 * @module
 */
import type { LmdbStateBackend } from "../../src/engine/lmdb-state.ts";
import { MemoryStateBackend } from "../../src/engine/state.ts";
import type { KeyedStore, StateCodec } from "../../src/engine/state.ts";
import { changelogKey, changelogValue, splitChangelogKey } from "./changelog-state.ts";
import type { TaskState } from "./changelog-state.ts";
import type { InMessage, OutMessage } from "./client.ts";

/** One logged store: the LMDB store under it and the keys changed since the last drain. */
interface Logged {
  readonly topic: string;
  readonly name: string;
  readonly inner: KeyedStore<unknown>;
  readonly outer: KeyedStore<unknown>;
  codec: StateCodec<unknown> | undefined;
  readonly dirty: Set<string>;
}

/** A task's state in LMDB, changelogged as {@link ChangelogState} is. */
export class LmdbChangelogState implements TaskState {
  private readonly unlogged = new MemoryStateBackend();
  private readonly logged = new Map<string, Logged>();

  constructor(
    private readonly partition: number,
    private readonly topicOf: (stage: string) => string | undefined,
    /** The task's environment; its owner closes it. */
    readonly backend: LmdbStateBackend,
  ) {}

  store<V>(stage: string, name: string, codec?: StateCodec<V>): KeyedStore<V> {
    const topic = this.topicOf(stage);
    if (topic === undefined) return this.unlogged.store<V>(stage, name);
    const id = `${stage}\u0000${name}`;
    const known = this.logged.get(id);
    if (known) {
      known.codec ??= codec as StateCodec<unknown> | undefined;
      this.backend.store(stage, name, codec);
      return known.outer as KeyedStore<V>;
    }
    const inner = this.backend.store<unknown>(stage, name, codec as StateCodec<unknown> | undefined);
    const dirty = new Set<string>();
    const outer: KeyedStore<unknown> = {
      get: (key) => inner.get(key),
      set: (key, value) => {
        inner.set(key, value);
        dirty.add(key);
      },
      delete: (key) => {
        inner.delete(key);
        dirty.add(key);
      },
      keys: () => inner.keys(),
    };
    this.logged.set(id, { topic, name, inner, outer, codec: codec as StateCodec<unknown> | undefined, dirty });
    return outer as KeyedStore<V>;
  }

  drain(): OutMessage[] {
    const out: OutMessage[] = [];
    for (const s of this.logged.values()) {
      for (const k of s.dirty)
        out.push({ topic: s.topic, partition: this.partition, key: changelogKey(s.name, k), value: changelogValue(s.inner.get(k), s.codec) });
      s.dirty.clear();
    }
    return out;
  }

  pendingWrites(): number {
    let n = 0;
    for (const s of this.logged.values()) n += s.dirty.size;
    return n;
  }

  /** Writes the records' values into LMDB as they are (state text: the changelog's form is LMDB's). */
  restore(stage: string, records: readonly InMessage[]): void {
    const entries: { name: string; key: string; text: string | null }[] = [];
    for (const r of records) {
      if (r.key === null) continue;
      const { name, key } = splitChangelogKey(r.key);
      entries.push({ name, key, text: r.value });
    }
    if (entries.length > 0) this.backend.restorePersisted(stage, entries);
  }
}
