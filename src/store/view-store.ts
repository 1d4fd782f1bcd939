/**
 * The view store: the final view of each sink of one definition, by output
 * key, in LMDB (memory-mapped B-tree, MVCC: readers never block the writer
 * and always read one committed state; many reader processes share one
 * store). What serving reads (docs/serving.md, docs/semantics.md § Serving).
 *
 * Layout, in one LMDB environment under `dir`:
 * - `meta` (JSON): `format`, `definition` (the identity of the plan whose
 *   views it holds), and per sink `["sink", name]` → {@link SinkRecord}
 *   (current generation, key count, offsets, when written, and for a streaming
 *   writer the source's high watermarks it last saw);
 * - `rows` (text): `[sink, generation, canonical JSON of the output key]` →
 *   the canonical JSON of the rows of that key (an array; usually one row).
 *
 * Two ways to write:
 * - {@link ViewStore.writeSnapshot} (batch and backfill): a whole new
 *   generation is written in chunks nobody reads, then one transaction
 *   switches the sink to it; the old generation is deleted afterwards. A
 *   reader sees the old view or the new one, never a mix.
 * - {@link ViewStore.applyPanes} (streaming): upserts and deletes of single
 *   keys in the current generation together with the source offsets they
 *   reflect, in one transaction, so a restarted writer resumes from exactly
 *   what the store holds.
 *
 * Writes are applied one at a time in call order.
 *
 * @module
 */
import { accessSync, constants, existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { open } from "lmdb";
import type { Database, Key, RootDatabase, Transaction } from "lmdb";
import { canonicalJson } from "../core/canonical.ts";
import { StoreError } from "./store-error.ts";

/** The format tag of stores this code writes and reads. */
export const STORE_FORMAT = "lockstep.store/1";

/** Which definition a store holds the views of. */
export interface StoreIdentity {
  readonly name: string;
  readonly version: number;
  /** The plan's content hash (`sha256:…`). */
  readonly hash: string;
}

/** An output key: the key fields of a sink's rows (plus `windowStart`/`windowEnd` for windowed panes). */
export type OutputKey = Readonly<Record<string, unknown>>;

/** The rows of one output key. */
export interface ViewEntry {
  readonly key: OutputKey;
  readonly rows: readonly unknown[];
}

/** A pane to apply: its key's new rows; no rows retracts the key. */
export type Pane = ViewEntry;

/** Source positions a sink's view reflects, e.g. Kafka `partition` → next offset. Merged per entry on apply. */
export type SinkOffsets = Readonly<Record<string, string>>;

/** What the store records about one sink. */
export interface SinkRecord {
  /** The generation readers read; a snapshot writes the next one. */
  readonly generation: number;
  /** Output keys in the current generation. */
  readonly keys: number;
  readonly offsets: SinkOffsets;
  /** When the last write to this sink was committed (ms since the epoch). */
  readonly writtenAt: number;
  /**
   * The source's high watermarks (partition → the offset after its newest record) as the streaming
   * writer last saw them with a commit; `highWatermarks[p] - offsets[p]` is how far the view is
   * behind partition `p` at that commit. Absent for a batch snapshot.
   */
  readonly highWatermarks?: SinkOffsets;
}

/** `info()`: what a store holds. */
export interface StoreInfo {
  readonly dir: string;
  readonly format: string;
  /** The definition whose views it holds; null until one is recorded. */
  readonly definition: StoreIdentity | null;
  readonly sinks: Readonly<Record<string, SinkRecord>>;
}

/** Reads that all see one committed state of the store. */
export interface ViewReads {
  /** The rows of `key` in `sink`'s view; undefined when the key has none (or the sink no view yet). */
  get(sink: string, key: OutputKey): unknown[] | undefined;
  /** The stored canonical JSON of `key`'s rows (an array), without parsing it. */
  getText(sink: string, key: OutputKey): string | undefined;
  /** {@link getText} as its UTF-8 bytes (a copy, the caller's to keep), without decoding them. */
  getBytes(sink: string, key: OutputKey): Uint8Array | undefined;
  /** {@link get} for many keys, in order. */
  getMany(sink: string, keys: readonly OutputKey[]): (unknown[] | undefined)[];
  /** The sink's record (generation, keys, offsets); undefined before its first write. */
  sink(sink: string): SinkRecord | undefined;
  /** The source offsets the sink's view reflects ({} before any). */
  offsets(sink: string): SinkOffsets;
}

/** A read snapshot held until {@link ViewReader.done}: later commits are invisible to it. */
export interface ViewReader extends ViewReads {
  /** Releases the snapshot (LMDB cannot reuse pages a held snapshot still sees). */
  done(): void;
}

/** An open view store. Reads on the store itself each see the latest committed state. */
export interface ViewStore extends ViewReads {
  readonly dir: string;
  readonly readOnly: boolean;
  /**
   * Replaces `sink`'s whole view by `entries` as a new generation, switched in
   * atomically. Keys must be distinct.
   *
   * @param opts.offsets  the source offsets the new view reflects (default none)
   * @returns the new generation and its key count
   */
  writeSnapshot(sink: string, entries: Iterable<ViewEntry>, opts?: { readonly offsets?: SinkOffsets }): Promise<SinkRecord>;
  /**
   * Upserts (rows) and deletes (no rows) single keys in `sink`'s current view
   * and merges `offsets` into the sink's offsets — all in one transaction.
   *
   * @param opts.highWatermarks  the source's high watermarks seen with these panes, merged into the record's
   */
  applyPanes(sink: string, panes: Iterable<Pane>, offsets: SinkOffsets, opts?: { readonly highWatermarks?: SinkOffsets }): Promise<SinkRecord>;
  /** A read snapshot: every read through it sees the store as it is now. */
  reader(): ViewReader;
  /**
   * Calls `use` with the UTF-8 bytes of `key`'s stored rows (undefined when none), read from one
   * snapshot, and returns what it returns. The serving hot path: the bytes are LMDB's reused read
   * buffer, not a copy, so they are valid only until `use` returns and `use` must not read the
   * store (copy them to keep them).
   */
  withBytes<T>(sink: string, key: OutputKey, use: (bytes: Uint8Array | undefined) => T): T;
  info(): StoreInfo;
  close(): Promise<void>;
}

/** Options of {@link openViewStore}. */
export interface OpenViewStoreOptions {
  /** Open for reading only (the directory must hold a store). */
  readonly readOnly?: boolean;
  /**
   * The definition the caller works with. A store that holds another
   * definition's views is refused; a writable store without one records it.
   */
  readonly definition?: StoreIdentity;
}

/** Entries per write transaction of a snapshot: bounds a transaction's size; readers see none until the switch. */
const CHUNK = 10_000;

const FILE = "views.mdb";
const sinkMetaKey = (sink: string) => ["sink", sink];
// Ordered-binary keys sort arrays element by element; every key of a sink lies in [[sink], [sink + "\0"]).
const sinkEnd = (sink: string) => [`${sink}\u0000`];

const sameIdentity = (a: StoreIdentity, b: StoreIdentity) => a.name === b.name && a.version === b.version && a.hash === b.hash;
const showIdentity = (d: StoreIdentity) => `"${d.name}" v${d.version} (${d.hash})`;

/** Whether this process may write `file` (and its directory, where LMDB keeps its lock file). */
const writable = (file: string): boolean => {
  try {
    accessSync(file, constants.W_OK);
    accessSync(dirname(file), constants.W_OK);
    return true;
  } catch {
    return false;
  }
};

/** True when `dir` holds a view store (it may still be empty). */
export const storeExists = (dir: string): boolean => existsSync(join(dir, FILE));

/** Opens (or, unless read-only, creates) the view store in `dir`. Throws {@link StoreError}. */
export const openViewStore = (dir: string, opts: OpenViewStoreOptions = {}): ViewStore => {
  const readOnly = opts.readOnly ?? false;
  if (readOnly && !existsSync(join(dir, FILE)))
    throw new StoreError(dir, "holds no view store", "write one first with `lockstep run <pipeline> --store DIR …`, or check the path");
  let root: RootDatabase;
  try {
    if (!readOnly) mkdirSync(dir, { recursive: true });
    // LMDB keeps one environment per file in a process and hands it to every later open with the
    // flags of the first: a store opened read-only first could then never be written here
    // ("No transaction to renew"). So the environment is opened writable wherever the file may be
    // written, and read-only is this handle's promise (writes refused below), not LMDB's.
    root = open({ path: join(dir, FILE), readOnly: readOnly && !writable(join(dir, FILE)), maxDbs: 4 });
  } catch (e) {
    throw new StoreError(dir, `cannot be opened (${(e as Error).message})`, "check the path and its permissions", { cause: e });
  }
  const meta = root.openDB<unknown, Key>({ name: "meta", encoding: "json" });
  const rows = root.openDB<string, Key>({ name: "rows", encoding: "string" });
  const format = meta.get("format") as string | undefined;
  if (format !== undefined && format !== STORE_FORMAT) {
    void root.close();
    throw new StoreError(dir, `is a store of format "${format}", this lockstep reads "${STORE_FORMAT}"`, "write it again with this version of lockstep");
  }
  const recorded = (meta.get("definition") as StoreIdentity | undefined) ?? null;
  if (opts.definition && recorded && !sameIdentity(recorded, opts.definition)) {
    void root.close();
    throw new StoreError(
      dir,
      `holds the views of ${showIdentity(recorded)}, not of ${showIdentity(opts.definition)}`,
      "give this definition its own store directory (--store NEW_DIR), delete the directory to rebuild it, or use the definition the store was written with",
    );
  }
  if (!readOnly && (format === undefined || (opts.definition && !recorded))) {
    root.transactionSync(() => {
      meta.putSync("format", STORE_FORMAT);
      if (opts.definition && !recorded) meta.putSync("definition", opts.definition);
    });
  }
  return new LmdbViewStore(dir, readOnly, root, meta, rows);
};

/** lmdb reads bytes within a given transaction too; its typings omit these two methods' options argument. */
interface BinaryReads {
  getBinary(id: Key, o?: { readonly transaction: Transaction }): Buffer | undefined;
  getBinaryFast(id: Key, o?: { readonly transaction: Transaction }): Buffer | undefined;
}
const binary = (db: Database<string, Key>): BinaryReads => db as unknown as BinaryReads;

/** Reads through one read transaction (or LMDB's current one when `txn` is undefined). */
const readsOf = (meta: Database<unknown, Key>, rows: Database<string, Key>, txn: () => Transaction | undefined): ViewReads => {
  const opt = () => {
    const t = txn();
    return t ? { transaction: t } : undefined;
  };
  const getText = (sink: string, key: OutputKey): string | undefined => {
    const o = opt();
    const rec = meta.get(sinkMetaKey(sink), o) as SinkRecord | undefined;
    return rec ? rows.get([sink, rec.generation, canonicalJson(key)], o) : undefined;
  };
  const getBytes = (sink: string, key: OutputKey): Uint8Array | undefined => {
    const o = opt();
    const rec = meta.get(sinkMetaKey(sink), o) as SinkRecord | undefined;
    return rec ? binary(rows).getBinary([sink, rec.generation, canonicalJson(key)], o) : undefined;
  };
  const get = (sink: string, key: OutputKey) => {
    const text = getText(sink, key);
    return text === undefined ? undefined : (JSON.parse(text) as unknown[]);
  };
  const sinkRec = (sink: string) => meta.get(sinkMetaKey(sink), opt()) as SinkRecord | undefined;
  return {
    get,
    getText,
    getBytes,
    getMany: (sink, keys) => keys.map((k) => get(sink, k)),
    sink: sinkRec,
    offsets: (sink) => sinkRec(sink)?.offsets ?? {},
  };
};

class LmdbViewStore implements ViewStore {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly reads: ViewReads;

  constructor(
    readonly dir: string,
    readonly readOnly: boolean,
    private readonly root: RootDatabase,
    private readonly meta: Database<unknown, Key>,
    private readonly rows: Database<string, Key>,
  ) {
    this.reads = readsOf(meta, rows, () => undefined);
  }

  get(sink: string, key: OutputKey) {
    return this.read((r) => r.get(sink, key));
  }
  getText(sink: string, key: OutputKey) {
    // The serving hot path: the same one-transaction read as `read`, without building a reader.
    const txn = this.root.useReadTransaction();
    try {
      const o = { transaction: txn };
      const rec = this.meta.get(sinkMetaKey(sink), o) as SinkRecord | undefined;
      return rec ? this.rows.get([sink, rec.generation, canonicalJson(key)], o) : undefined;
    } finally {
      txn.done();
    }
  }
  getBytes(sink: string, key: OutputKey) {
    return this.read((r) => r.getBytes(sink, key));
  }
  withBytes<T>(sink: string, key: OutputKey, use: (bytes: Uint8Array | undefined) => T): T {
    const txn = this.root.useReadTransaction();
    try {
      const o = { transaction: txn };
      const rec = this.meta.get(sinkMetaKey(sink), o) as SinkRecord | undefined;
      const fast = rec ? binary(this.rows).getBinaryFast([sink, rec.generation, canonicalJson(key)], o) : undefined;
      // lmdb's reusable buffer reports the value's size in a redefined `length` but spans its whole
      // capacity (`byteLength`): a view of exactly the value, or Buffer.compare/copy would see more.
      return use(fast === undefined ? undefined : fast.subarray(0, fast.length));
    } finally {
      txn.done();
    }
  }
  getMany(sink: string, keys: readonly OutputKey[]) {
    return this.read((r) => r.getMany(sink, keys));
  }
  sink(sink: string) {
    return this.reads.sink(sink);
  }
  offsets(sink: string) {
    return this.reads.offsets(sink);
  }

  /** One explicit read transaction per call: the sink's generation and its rows come from the same commit. */
  private read<T>(f: (r: ViewReads) => T): T {
    const r = this.reader();
    try {
      return f(r);
    } finally {
      r.done();
    }
  }

  reader(): ViewReader {
    const txn = this.root.useReadTransaction();
    return { ...readsOf(this.meta, this.rows, () => txn), done: () => txn.done() };
  }

  info(): StoreInfo {
    const sinks: Record<string, SinkRecord> = {};
    for (const { key, value } of this.meta.getRange({ start: ["sink"], end: ["sink\u0000"] })) sinks[(key as unknown[])[1] as string] = value as SinkRecord;
    return {
      dir: this.dir,
      format: (this.meta.get("format") as string | undefined) ?? STORE_FORMAT,
      definition: (this.meta.get("definition") as StoreIdentity | undefined) ?? null,
      sinks,
    };
  }

  writeSnapshot(sink: string, entries: Iterable<ViewEntry>, opts: { readonly offsets?: SinkOffsets } = {}): Promise<SinkRecord> {
    return this.serial(async () => {
      const current = this.reads.sink(sink);
      const generation = (current?.generation ?? 0) + 1;
      // A snapshot cut short (a crash, a refused entry) left this generation half written and unread: clear it first.
      await this.deleteRange({ start: [sink, generation], end: [sink, generation + 1] });
      const seen = new Set<string>();
      let written = 0;
      let chunk: ViewEntry[] = [];
      const flush = async () => {
        const batch = chunk;
        chunk = [];
        await this.rows.transaction(() => {
          for (const e of batch) void this.rows.put([sink, generation, canonicalJson(e.key)], canonicalJson(e.rows));
        });
      };
      for (const e of entries) {
        const k = canonicalJson(e.key);
        if (seen.has(k)) throw new StoreError(this.dir, `sink "${sink}": the output key ${k} is given twice in one snapshot`, "give each key's rows once");
        seen.add(k);
        if (e.rows.length === 0) continue; // a key without rows is a key the view does not hold
        chunk.push(e);
        written++;
        if (chunk.length >= CHUNK) await flush();
      }
      await flush();
      const rec: SinkRecord = { generation, keys: written, offsets: opts.offsets ?? {}, writtenAt: Date.now() };
      // The switch: one small transaction; before it readers see the old generation, after it the new one.
      await this.meta.put(sinkMetaKey(sink), rec);
      await this.deleteGenerations(sink, generation);
      return rec;
    });
  }

  applyPanes(sink: string, panes: Iterable<Pane>, offsets: SinkOffsets, opts: { readonly highWatermarks?: SinkOffsets } = {}): Promise<SinkRecord> {
    return this.serial(() =>
      this.root.transaction(() => {
        const current = this.meta.get(sinkMetaKey(sink)) as SinkRecord | undefined;
        const generation = current?.generation ?? 1;
        let keys = current?.keys ?? 0;
        for (const p of panes) {
          const k = [sink, generation, canonicalJson(p.key)];
          const had = this.rows.doesExist(k);
          if (p.rows.length > 0) {
            void this.rows.put(k, canonicalJson(p.rows));
            if (!had) keys++;
          } else if (had) {
            void this.rows.remove(k);
            keys--;
          }
        }
        const seen = current?.highWatermarks || opts.highWatermarks ? { highWatermarks: { ...current?.highWatermarks, ...opts.highWatermarks } } : {};
        const rec: SinkRecord = { generation, keys, offsets: { ...(current?.offsets ?? {}), ...offsets }, writtenAt: Date.now(), ...seen };
        void this.meta.put(sinkMetaKey(sink), rec);
        return rec;
      }),
    );
  }

  /** Deletes every generation of `sink` but `keep` (after a switch nobody reads them). */
  private async deleteGenerations(sink: string, keep: number): Promise<void> {
    await this.deleteRange({ start: [sink], end: [sink, keep] });
    await this.deleteRange({ start: [sink, keep + 1], end: sinkEnd(sink) });
  }

  /** Deletes the rows in a key range, in chunked transactions. */
  private async deleteRange(range: { readonly start: Key; readonly end: Key }): Promise<void> {
    for (;;) {
      const keys = [...this.rows.getKeys({ ...range, limit: CHUNK })];
      if (keys.length === 0) return;
      await this.rows.transaction(() => {
        for (const k of keys) void this.rows.remove(k);
      });
    }
  }

  /** Runs writes one at a time, in call order; a failed write does not stop later ones. */
  private serial<T>(f: () => Promise<T>): Promise<T> {
    if (this.readOnly) return Promise.reject(new StoreError(this.dir, "is open read-only", "open it without readOnly to write"));
    const run = this.queue.then(f, f);
    this.queue = run.catch(() => undefined);
    return run;
  }

  close(): Promise<void> {
    return this.queue.then(() => this.root.close());
  }
}
