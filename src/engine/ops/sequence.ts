/**
 * `sequence`: per key, the latest N elements by event time, newest first,
 * ties broken by id ascending, one entry per id. Which version of an id
 * survives is decided by content, not arrival: the one with the greater
 * event time, then the greater canonical JSON. With these rules the kept
 * state (only the top N) always equals the top N of every element seen, so
 * the result does not depend on arrival order. Elements older than the key's
 * newest event time minus the ttl are dropped (and counted as late).
 *
 * @module
 */
import { canonicalJson, compareStrings } from "../../core/canonical.ts";
import { compareValues } from "../../core/order.ts";
import type { SequenceNode } from "../../plan/ir.ts";
import { elem } from "../elem.ts";
import type { Elem } from "../elem.ts";
import type { Emit, EngineContext, Operator } from "../operator.ts";
import type { StateCodec } from "../state.ts";
import { copyFields, ownField, setOwnField } from "../../core/fields.ts";

/**
 * One kept entry: [event time, id, canonical JSON of the id, the element, projected fields].
 * The element is kept (not its canonical JSON) because the content rule needs it
 * only when two versions of an id share an event time, which is rare.
 */
type Entry = [number, unknown, string, unknown, Record<string, unknown>];

/** A key's state (persisted through {@link SEQ_STATE_CODEC}). */
interface SeqState {
  /** Newest event time seen for the key. */
  max: number;
  /** Entries, newest first (rank order). */
  entries: Entry[];
  /**
   * Canonical id → event time of its kept entry: finds an id in one lookup. A Map, not an object:
   * the ids are strings made per element, which an object would have to internalize on every
   * lookup, insert and delete (the largest single cost of the operator, measured).
   */
  ids: Map<string, number>;
}

/** The persisted form of a {@link SeqState}: the same with `ids` as an object (what changelogs and checkpoints have always held). */
interface SeqStateJson {
  max: number;
  entries: Entry[];
  ids: Record<string, number>;
}

/**
 * Persists `ids` as an object. Its keys are canonical JSON texts, which never collide with
 * Object.prototype names (none is `__proto__`).
 */
const SEQ_STATE_CODEC: StateCodec<SeqState> = {
  encode: (s): SeqStateJson => ({ max: s.max, entries: s.entries, ids: Object.fromEntries(s.ids) }),
  decode: (p) => {
    const j = p as SeqStateJson;
    return { max: j.max, entries: j.entries, ids: new Map(Object.entries(j.ids)) };
  },
};

/** Rank order of a kept entry against a candidate (t, id): newer first, then id ascending. */
const rankCmp = (a: Entry, t: number, id: unknown): number => t - a[0] || compareValues(a[1], id);

/** The first index whose entry does not rank before (t, id); entries are in rank order. */
const lowerBound = (entries: Entry[], t: number, id: unknown): number => {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (rankCmp(entries[mid]!, t, id) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
};

/** The operator; state lives in the store `sequences` keyed by stage key. */
export const sequenceOp = (n: SequenceNode, ctx: EngineContext, emit: Emit): Operator => {
  const store = ctx.state.store<SeqState>(n.id, "sequences", SEQ_STATE_CODEC);
  const m = ctx.metrics(n.id);
  const { latest, idField, fields, as, ttl } = n;
  const project = (v: Readonly<Record<string, unknown>>): Record<string, unknown> => {
    const o: Record<string, unknown> = {};
    for (const f of fields) o[f] = ownField(v, f);
    return o;
  };
  /**
   * Keys changed since the last flush, with what the pane takes from the first element that changed
   * them (its key fields, clock, source key and origin) — not the element itself, whose value a batch
   * run would otherwise keep alive for every key until the end of input.
   */
  const dirty = new Map<string, Pick<Elem, "kv" | "c" | "sk" | "origin">>();
  const emitDirty = async (): Promise<void> => {
    const keys = [...dirty.keys()].sort();
    for (const key of keys) {
      const e = dirty.get(key)!;
      dirty.delete(key);
      const s = store.get(key)!;
      m.out++;
      m.panes++;
      const row = copyFields(e.kv ?? {});
      setOwnField(
        row,
        as,
        s.entries.map((x) => x[4]),
      );
      const pkv = Object.values(e.kv ?? {});
      const pk = `${n.id}|${key}`;
      const r1 = emit(elem({ t: s.max, c: e.c, sk: e.sk, k: key, kv: e.kv, pk, pkv, marker: true, origin: e.origin }));
      if (r1) await r1;
      const r2 = emit(elem({ v: row, t: s.max, c: e.c, sk: e.sk, k: key, kv: e.kv, pk, pkv, origin: e.origin }));
      if (r2) await r2;
    }
  };
  return {
    id: n.id,
    process: (e) => {
      if (e.marker) return;
      m.in++;
      const key = e.k!;
      let s = store.get(key);
      if (!s) s = { max: -Infinity, entries: [], ids: new Map() };
      const t = e.t;
      if (ttl !== undefined && t < s.max - ttl) {
        // Expired, not late: whether it arrives before or after the newer elements of its key is not the same on
        // every runner (after a repartition), while the final view is; so it is counted, not reported.
        m.expired++;
        return;
      }
      const id = ownField(e.v, idField);
      const idKey = typeof id === "string" ? JSON.stringify(id) : canonicalJson(id);
      const entries = s.entries;
      const prev = s.ids.get(idKey);
      if (prev !== undefined) {
        // The content rule: greater time wins, then greater canonical JSON; a loser changes nothing.
        if (t < prev) {
          m.duplicates++;
          return;
        }
        const at = lowerBound(entries, prev, id);
        if (t === prev && compareStrings(canonicalJson(e.v), canonicalJson(entries[at]![3])) <= 0) {
          m.duplicates++;
          return;
        }
        entries.splice(at, 1);
        s.ids.delete(idKey);
      }
      // A new version of a kept id always ranks above the old one, so it is inserted.
      const i = lowerBound(entries, t, id);
      if (i >= latest) return;
      entries.splice(i, 0, [t, id, idKey, e.v, project(e.v)]);
      s.ids.set(idKey, t);
      if (entries.length > latest) s.ids.delete(entries.pop()![2]);
      if (t > s.max) {
        s.max = t;
        // Entries are newest first, so the expired ones are a suffix.
        if (ttl !== undefined) while (entries.length > 0 && entries[entries.length - 1]![0] < t - ttl) s.ids.delete(entries.pop()![2]);
      }
      store.set(key, s);
      // Updates are coalesced per key until the next flush (a commit, or end of input): intermediate
      // panes are not part of the final view, and one pane per element would copy the sequence each time.
      if (!dirty.has(key)) dirty.set(key, { kv: e.kv, c: e.c, sk: e.sk, origin: e.origin });
    },
    flush: () => emitDirty(),
    finish: () => emitDirty(),
  };
};
