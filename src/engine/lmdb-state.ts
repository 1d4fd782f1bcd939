/**
 * Operator state on disk: a {@link StateBackend} whose stores live in an
 * LMDB environment, so a run's state can be larger than the heap (issue 12).
 * Results are those of {@link MemoryStateBackend}: the parity runner
 * `direct-lmdb` runs every generated pipeline on it with a cache small enough
 * to evict on almost every write.
 *
 * Why a write-back cache in front of LMDB: operators read a key, change the
 * value and `set` it, often many times for a hot key in a row. Writing
 * through would cost one LMDB write (and one serialization) per element. Here
 * `set` only marks the key dirty; when the cache holds `cacheEntries`
 * values, every dirty value is written in one synchronous transaction and the
 * older half of the cache is dropped (a key moves to the back when it is
 * written, so keys written often stay). The cache is bounded, so memory is too, whatever the
 * number of keys.
 *
 * Why a value read with `get` may be changed in place and then `set`: the
 * cache hands out the object it holds, as the memory backend does. A value
 * changed in place and never `set` may be lost on eviction — the
 * {@link KeyedStore} contract already says to `set` every change.
 *
 * Each store is a database of its own in one environment. Values are
 * written as state text (src/engine/state-text.ts: JSON keeping `±Infinity`,
 * `NaN` and lone surrogates), the form the Kafka changelog writes. LMDB
 * keys are bytes, at most 1,978 of them: a key is stored as its UTF-8
 * bytes (not through LMDB's ordered-binary key encoding, which reads a
 * control character in a string as a type tag or an array separator); a key
 * that is longer, or holds a lone surrogate (which UTF-8 cannot carry), is
 * stored under 0xFF (a byte UTF-8 never holds) and the hash of its UTF-16
 * code units, with the key itself in the value.
 *
 * A sink's final view can live in the same environment
 * ({@link LmdbStateBackend.finalView}, src/engine/lmdb-final-view.ts), so a
 * run with state on disk keeps its output there too.
 *
 * The environment is scratch: no fsync (`noSync`), and {@link LmdbStateBackend.close}
 * removes the directory unless told to keep it.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { open } from "lmdb";
import type { Database, RootDatabase } from "lmdb";
import { LmdbFinalView } from "./lmdb-final-view.ts";
import type { LmdbStateOptions } from "./lmdb-options.ts";
import type { KeyedStore, StateBackend, StateCodec } from "./state.ts";
import { decodeStateText, encodeStateText } from "./state-text.ts";

/** How to open an {@link LmdbStateBackend}. */
export type { LmdbStateOptions } from "./lmdb-options.ts";

/** Keys up to this many UTF-8 bytes are LMDB keys as they are (LMDB's limit is 1,978). */
const MAX_DIRECT_KEY_BYTES = 1_000;
/** Starts a hashed key: a byte no UTF-8 text holds, so a hashed key never meets a direct one. */
const HASHED = 0xff;
/** Store ids longer than this are named by their hash (LMDB names databases by key too). */
const MAX_NAME_BYTES = 400;

/** A value waiting to be written, or a key waiting to be deleted. */
const DELETED = Symbol("deleted");

/** One store's database and persisted form. */
interface StoreDb {
  readonly db: Database<string, Buffer>;
  /** Set when the store is first opened with one (a store restored from a log may be opened without, first). */
  codec: StateCodec<unknown> | undefined;
  /** Decoded values held in memory; `DELETED` for deletes not yet written. */
  readonly cache: Map<string, unknown>;
  readonly dirty: Set<string>;
}

/** State in an LMDB environment behind a bounded write-back cache. */
export class LmdbStateBackend implements StateBackend {
  private readonly env: RootDatabase;
  private readonly dir: string;
  private readonly keep: boolean;
  private readonly limit: number;
  private readonly stores = new Map<string, { store: KeyedStore<unknown>; db: StoreDb }>();
  /** Values cached across all stores. */
  private cached = 0;
  private closed = false;

  constructor(opts: LmdbStateOptions = {}) {
    this.dir = opts.dir ?? mkdtempSync(join(tmpdir(), "lockstep-state-"));
    this.keep = opts.keep ?? false;
    this.limit = Math.max(1, opts.cacheEntries ?? 100_000);
    this.env = open({ path: this.dir, noSync: true, noMetaSync: true, maxDbs: 10_000 });
  }

  store<V>(stage: string, name: string, codec?: StateCodec<V>): KeyedStore<V> {
    const { store, db } = this.entryOf(stage, name);
    db.codec ??= codec as StateCodec<unknown> | undefined;
    return store as KeyedStore<V>;
  }

  private entryOf(stage: string, name: string): { store: KeyedStore<unknown>; db: StoreDb } {
    const id = `${stage}/${name}`;
    const known = this.stores.get(id);
    if (known) return known;
    const dbName = Buffer.byteLength(id) <= MAX_NAME_BYTES ? id : `#${hashOf(id)}`;
    const sdb: StoreDb = {
      db: this.env.openDB<string, Buffer>({ name: dbName, encoding: "string", keyEncoding: "binary" }),
      codec: undefined,
      cache: new Map(),
      dirty: new Set(),
    };
    const store: KeyedStore<unknown> = {
      get: (key) => this.get(sdb, key),
      set: (key, value) => this.set(sdb, key, value),
      delete: (key) => this.set(sdb, key, DELETED),
      keys: () => this.keysOf(sdb),
    };
    const entry = { store, db: sdb };
    this.stores.set(id, entry);
    return entry;
  }

  /**
   * Writes entries of stage `stage`'s stores in their persisted form — the state text of
   * `codec.encode(value)`, as a Kafka changelog carries it; `null` deletes — in one transaction,
   * past the cache (the entries' cached values are dropped). For restoring stores from a log: the
   * text is stored as it is, never decoded, so a store may be restored before it is opened.
   */
  restorePersisted(stage: string, entries: Iterable<{ readonly name: string; readonly key: string; readonly text: string | null }>): void {
    this.flush();
    this.env.transactionSync(() => {
      for (const { name, key, text } of entries) {
        const { db: s } = this.entryOf(stage, name);
        if (s.cache.delete(key)) this.cached--;
        const { dbKey, hashed } = dbKeyOf(key);
        if (text === null) s.db.removeSync(dbKey);
        else s.db.putSync(dbKey, hashed ? encodeStateText([key, text]) : text);
      }
    });
  }

  /**
   * A value of the environment's own metadata (a database whose name holds no `/`, so it never
   * meets a store's), e.g. the id a Kafka task's checkpoint file names its store by.
   */
  meta(key: string): string | undefined {
    return this.metaDb().get(key);
  }

  /** Sets a metadata value (see {@link meta}), written at once. */
  setMeta(key: string, value: string): void {
    this.metaDb().putSync(key, value);
  }

  private metaDbOpen: Database<string, string> | undefined;
  private metaDb(): Database<string, string> {
    return (this.metaDbOpen ??= this.env.openDB<string, string>({ name: "lockstep-meta", encoding: "string" }));
  }

  /**
   * A final view for sink `sink` in two databases of this environment, buffering as many rows as the
   * state cache holds values. Their names hold no `/`, so they never meet a store's (`stage/name`).
   */
  finalView(sink: string): LmdbFinalView {
    const name = `view-${hashOf(sink)}`;
    return new LmdbFinalView(
      {
        env: this.env,
        rows: this.env.openDB<string, Buffer>({ name: `${name}-rows`, encoding: "string", keyEncoding: "binary" }),
        panes: this.env.openDB<Buffer, Buffer>({ name: `${name}-panes`, encoding: "binary", keyEncoding: "binary" }),
        paneKey: (pk) => dbKeyOf(pk).dbKey,
      },
      this.limit,
    );
  }

  /** Writes every dirty value and closes the environment (removing it unless `keep`). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.flush();
    await this.env.close();
    if (!this.keep) rmSync(this.dir, { recursive: true, force: true });
  }

  private get(s: StoreDb, key: string): unknown {
    const cached = s.cache.get(key);
    if (cached !== undefined) return cached === DELETED ? undefined : cached;
    const text = this.read(s, key);
    if (text === undefined) return undefined;
    const persisted = decodeStateText(text);
    const value = s.codec ? s.codec.decode(persisted) : persisted;
    this.remember(s, key, value);
    return value;
  }

  private set(s: StoreDb, key: string, value: unknown): void {
    s.dirty.add(key);
    // Moved to the end: the cache evicts from the front, so a key written often stays.
    if (s.cache.delete(key)) this.cached--;
    this.remember(s, key, value);
  }

  private remember(s: StoreDb, key: string, value: unknown): void {
    if (!s.cache.has(key)) this.cached++;
    s.cache.set(key, value);
    if (this.cached > this.limit) {
      this.flush();
      this.evict();
    }
  }

  /** Drops the older half of every store's cache (all written by now): the recently written half stays. */
  private evict(): void {
    for (const { db: s } of this.stores.values()) {
      let drop = Math.ceil(s.cache.size / 2);
      for (const key of s.cache.keys()) {
        if (drop-- <= 0) break;
        s.cache.delete(key);
        this.cached--;
      }
    }
  }

  /** Writes every dirty entry of every store in one transaction (the cache keeps them, clean now). */
  private flush(): void {
    const all = [...this.stores.values()].map((x) => x.db);
    if (all.some((s) => s.dirty.size > 0)) {
      this.env.transactionSync(() => {
        for (const s of all) {
          for (const key of s.dirty) {
            const value = s.cache.get(key);
            const { dbKey, hashed } = dbKeyOf(key);
            if (value === DELETED) s.db.removeSync(dbKey);
            else {
              const text = encodeStateText(s.codec ? s.codec.encode(value) : value);
              s.db.putSync(dbKey, hashed ? encodeStateText([key, text]) : text);
            }
          }
          s.dirty.clear();
        }
      });
    }
  }

  /** The state text of `key`, or undefined. */
  private read(s: StoreDb, key: string): string | undefined {
    const { dbKey, hashed } = dbKeyOf(key);
    const stored = s.db.get(dbKey);
    if (stored === undefined) return undefined;
    return hashed ? (decodeStateText(stored) as [string, string])[1] : stored;
  }

  /** Every key of a store: what is dirty is written first, so one read of the database sees them all. */
  private *keysOf(s: StoreDb): Iterable<string> {
    this.flush();
    // Materialised first: the caller may write while it iterates, and a write can flush.
    const keys: string[] = [];
    for (const dbKey of s.db.getKeys()) {
      keys.push(dbKey[0] === HASHED ? (decodeStateText(s.db.get(dbKey)!) as [string, string])[0] : dbKey.toString("utf8"));
    }
    yield* keys;
  }
}

/** SHA-256 of a string's UTF-16 code units (so lone surrogates count), in hex. */
const hashOf = (s: string): string => createHash("sha256").update(Buffer.from(s, "utf16le")).digest("hex");

/** A lone surrogate: a high one not followed by a low one, or a low one not after a high one. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The LMDB key of a state key, and whether it is a hashed one. */
const dbKeyOf = (key: string): { dbKey: Buffer; hashed: boolean } => {
  if (Buffer.byteLength(key) <= MAX_DIRECT_KEY_BYTES && !LONE_SURROGATE.test(key)) return { dbKey: Buffer.from(key, "utf8"), hashed: false };
  const dbKey = Buffer.alloc(33);
  dbKey[0] = HASHED;
  createHash("sha256").update(Buffer.from(key, "utf16le")).digest().copy(dbKey, 1);
  return { dbKey, hashed: true };
};
