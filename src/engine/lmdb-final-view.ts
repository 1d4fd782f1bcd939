/**
 * A sink's final view on disk (issue 12): the {@link PaneStore} of
 * src/engine/final-view.ts in two LMDB databases of the state's environment,
 * so a view of millions of panes need not fit in the heap, and is read back
 * in order by walking LMDB's keys instead of sorting.
 *
 * - `rows`: one entry per row, keyed by {@link viewOrderKey} (LMDB's byte
 *   order is the view's order) followed by a 6-byte sequence number, which
 *   keeps equal rows apart and never changes the order (a view key never
 *   begins another). The value is the row's state text (src/engine/state-text.ts,
 *   so lone surrogates and ±Infinity come back).
 * - `panes`: per pane key (stored as src/engine/lmdb-state.ts stores state
 *   keys), the row keys of its current pane, so a new pane deletes the old
 *   rows.
 *
 * Long keys: LMDB keys hold at most 1,978 bytes. A row key longer than
 * {@link MAX_KEY_BYTES} is stored as its first {@link MAX_KEY_BYTES} bytes
 * plus the sequence number, with the whole key in the value. Such keys sort
 * right among all others (they differ from every other key within that
 * prefix, or share it); only keys sharing the whole prefix are out of order,
 * and they are adjacent — the reader sorts each such run in memory by the
 * whole key.
 *
 * Changes are buffered (up to `bufferRows` rows) and written in one
 * transaction, as the state backend writes its cache.
 *
 * @module
 */
import type { Database, RootDatabase } from "lmdb";
import type { PaneStore, SinkView } from "./final-view.ts";
import { applySinkElement } from "./final-view.ts";
import type { Elem } from "./elem.ts";
import { canonicalJson } from "../core/canonical.ts";
import { decodeStateText, encodeStateText } from "./state-text.ts";
import { viewOrderKey } from "./view-order.ts";

/** Row keys longer than this are stored as this prefix plus a sequence number (LMDB's limit is 1,978). */
export const MAX_KEY_BYTES = 1_024;
/** Bytes of the sequence number after a row key. */
const SEQ_BYTES = 6;

/** The changes to one pane since the last write-out. */
interface PendingPane {
  /** A marker came: the pane's rows on disk are to be deleted. */
  reset: boolean;
  pkv: readonly unknown[];
  rows: unknown[];
}

/** The two databases of one view, and how a pane key becomes an LMDB key. */
export interface LmdbViewDbs {
  readonly env: RootDatabase;
  readonly rows: Database<string, Buffer>;
  readonly panes: Database<Buffer, Buffer>;
  /** The LMDB key of a pane key (src/engine/lmdb-state.ts' key form). */
  readonly paneKey: (pk: string) => Buffer;
}

/** A final view whose rows live in LMDB, in order. */
export class LmdbFinalView implements SinkView, PaneStore {
  private readonly pending = new Map<string, PendingPane>();
  private bag: unknown[] = [];
  private buffered = 0;
  private seq = 0;
  private stored = 0;

  constructor(
    private readonly dbs: LmdbViewDbs,
    private readonly bufferRows = 100_000,
  ) {}

  add(e: Elem): void {
    applySinkElement(this, e);
  }

  replacePane(pk: string, pkv: readonly unknown[]): void {
    const p = this.pending.get(pk);
    if (p) {
      this.buffered -= p.rows.length;
      p.reset = true;
      p.pkv = pkv;
      p.rows = [];
    } else this.pending.set(pk, { reset: true, pkv, rows: [] });
    this.check();
  }

  addRow(pk: string, pkv: readonly unknown[], row: unknown): void {
    let p = this.pending.get(pk);
    if (!p) this.pending.set(pk, (p = { reset: false, pkv, rows: [] }));
    p.rows.push(row);
    this.buffered++;
    this.check();
  }

  addUnkeyed(row: unknown): void {
    this.bag.push(row);
    this.buffered++;
    this.check();
  }

  get size(): number {
    this.flush();
    return this.stored;
  }

  rows(): Iterable<unknown> {
    this.flush();
    return { [Symbol.iterator]: () => this.read() };
  }

  /** Writes out once the buffer is full. Pending panes count too: markers alone must not grow it without bound. */
  private check(): void {
    if (this.buffered + this.pending.size > this.bufferRows) this.flush();
  }

  /** Writes every buffered change in one transaction. */
  private flush(): void {
    if (this.pending.size === 0 && this.bag.length === 0) return;
    const { env, rows, panes, paneKey } = this.dbs;
    env.transactionSync(() => {
      for (const [pk, p] of this.pending) {
        const key = paneKey(pk);
        const old = panes.get(key);
        const keys = old === undefined ? [] : splitKeys(old);
        if (p.reset) {
          for (const k of keys) rows.removeSync(k);
          this.stored -= keys.length;
          keys.length = 0;
        }
        for (const row of p.rows) keys.push(this.put(p.pkv, row));
        if (keys.length > 0) panes.putSync(key, joinKeys(keys));
        else if (old !== undefined) panes.removeSync(key);
      }
      for (const row of this.bag) this.put(undefined, row);
    });
    this.pending.clear();
    this.bag = [];
    this.buffered = 0;
  }

  /** Writes one row; returns its LMDB key. */
  private put(pkv: readonly unknown[] | undefined, row: unknown): Buffer {
    const full = viewOrderKey({ pkv, json: canonicalJson(row) });
    const seq = this.seq++;
    const text = encodeStateText(row);
    this.stored++;
    if (full.length <= MAX_KEY_BYTES) {
      const key = Buffer.allocUnsafe(full.length + SEQ_BYTES);
      full.copy(key);
      key.writeUIntBE(seq, full.length, SEQ_BYTES);
      this.dbs.rows.putSync(key, text);
      return key;
    }
    const key = Buffer.allocUnsafe(MAX_KEY_BYTES + SEQ_BYTES);
    full.copy(key, 0, 0, MAX_KEY_BYTES);
    key.writeUIntBE(seq, MAX_KEY_BYTES, SEQ_BYTES);
    this.dbs.rows.putSync(key, JSON.stringify([full.toString("base64"), text]));
    return key;
  }

  /** The rows in key order; runs of long keys sharing their stored prefix are sorted by their whole key. */
  private *read(): Generator<unknown> {
    let run: { full: Buffer; text: string }[] = [];
    let runPrefix: Buffer | undefined;
    const endRun = function* (): Generator<unknown> {
      run.sort((a, b) => Buffer.compare(a.full, b.full));
      for (const r of run) yield decodeStateText(r.text);
      run = [];
      runPrefix = undefined;
    };
    for (const { key, value } of this.dbs.rows.getRange()) {
      const k = key as unknown as Buffer;
      if (k.length <= MAX_KEY_BYTES) {
        if (runPrefix) yield* endRun();
        yield decodeStateText(value);
        continue;
      }
      const prefix = k.subarray(0, MAX_KEY_BYTES);
      if (runPrefix && !prefix.equals(runPrefix)) yield* endRun();
      runPrefix ??= Buffer.from(prefix);
      const [full, text] = JSON.parse(value) as [string, string];
      run.push({ full: Buffer.from(full, "base64"), text });
    }
    if (runPrefix) yield* endRun();
  }
}

/** A pane's row keys as one value: each key's length (2 bytes) then its bytes. */
const joinKeys = (keys: readonly Buffer[]): Buffer => {
  let n = 0;
  for (const k of keys) n += 2 + k.length;
  const out = Buffer.allocUnsafe(n);
  let at = 0;
  for (const k of keys) {
    out.writeUInt16BE(k.length, at);
    k.copy(out, at + 2);
    at += 2 + k.length;
  }
  return out;
};

/** The inverse of {@link joinKeys} (copies: LMDB's buffers are reused). */
const splitKeys = (v: Buffer): Buffer[] => {
  const keys: Buffer[] = [];
  for (let at = 0; at < v.length; ) {
    const n = v.readUInt16BE(at);
    keys.push(Buffer.from(v.subarray(at + 2, at + 2 + n)));
    at += 2 + n;
  }
  return keys;
};
