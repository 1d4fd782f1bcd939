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
import type { Emit, EngineContext, Operator } from "../operator.ts";

/** One kept entry: [event time, id, canonical JSON of the element, projected fields]. */
type Entry = [number, unknown, string, Record<string, unknown>];

interface SeqState {
  /** Newest event time seen for the key. */
  max: number;
  /** Entries, newest first. */
  entries: Entry[];
}

/** Rank order: newer first, then id ascending. */
const rankCmp = (a: Entry, b: Entry): number => b[0] - a[0] || compareValues(a[1], b[1]);
/** Which of two versions of one id survives: greater time, then greater canonical JSON. */
const beats = (a: Entry, b: Entry): boolean => a[0] > b[0] || (a[0] === b[0] && compareStrings(a[2], b[2]) > 0);

/** The operator; state lives in the store `sequences` keyed by stage key. */
export const sequenceOp = (n: SequenceNode, ctx: EngineContext, emit: Emit): Operator => {
  const store = ctx.state.store<SeqState>(n.id, "sequences");
  const m = ctx.metrics(n.id);
  const { latest, idField, fields, as, ttl } = n;
  const project = (v: any): Record<string, unknown> => {
    const o: Record<string, unknown> = {};
    for (const f of fields) o[f] = v[f] ?? null;
    return o;
  };
  return {
    id: n.id,
    process: (e) => {
      if (e.marker) return;
      m.in++;
      const key = e.k!;
      let s = store.get(key);
      if (!s) s = { max: -Infinity, entries: [] };
      if (ttl !== undefined && e.t < s.max - ttl) {
        m.late++;
        ctx.late({ stage: n.id, source: e.origin.source, offset: e.origin.offset, value: e.v, eventTime: e.t, clock: s.max, windowStart: null, windowEnd: null, reason: `older than the key's newest event time ${s.max} minus ttl ${ttl}` });
        return;
      }
      const entry: Entry = [e.t, e.v[idField] ?? null, canonicalJson(e.v), project(e.v)];
      let changed = false;
      const idKey = canonicalJson(entry[1]);
      const at = s.entries.findIndex((x) => canonicalJson(x[1]) === idKey);
      if (at >= 0) {
        if (beats(entry, s.entries[at]!)) {
          s.entries.splice(at, 1);
          changed = true;
        } else {
          m.duplicates++;
        }
      }
      if (at < 0 || changed) {
        let i = s.entries.length;
        while (i > 0 && rankCmp(s.entries[i - 1]!, entry) > 0) i--;
        if (i < latest) {
          s.entries.splice(i, 0, entry);
          if (s.entries.length > latest) s.entries.length = latest;
          changed = true;
        }
      }
      if (e.t > s.max) {
        s.max = e.t;
        if (ttl !== undefined) {
          const before = s.entries.length;
          s.entries = s.entries.filter((x) => x[0] >= s!.max - ttl);
          if (s.entries.length !== before) changed = true;
        }
      }
      store.set(key, s);
      if (!changed) return;
      m.out++;
      m.panes++;
      const row = { ...e.kv, [as]: s.entries.map((x) => x[3]) };
      const pkv = [e.kv];
      const marker = elem(undefined, s.max, e.c, e.sk, key, e.kv, key, pkv, true, e.origin);
      const r = emit(marker);
      const out = elem(row, s.max, e.c, e.sk, key, e.kv, key, pkv, false, e.origin);
      return r ? r.then(() => emit(out)) : emit(out);
    },
    finish: () => {},
  };
};
