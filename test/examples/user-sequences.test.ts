import fc from "fast-check";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { canonicalJson } from "../../src/core/canonical.ts";
import { runDirect } from "../../runners/direct/index.ts";
import userSequences from "../../examples/user-sequences.ts";
import { accounting, repo, runOn } from "./helpers.ts";

// The flagship (examples/user-sequences.ts), as documented there: saves and
// clicks kept, views only when durationMs ≥ 1000, hides dropped; dedupe by
// eventId (after that filter: first in arrival order); the item's category
// as of the event's time (§10 lookup); per user the 50 latest, newest first,
// ties by eventId ascending (§10 sequence).

type Ev = { eventId: string; userId: string; itemId: string; type: string; ts: number; durationMs?: number };
type Item = { itemId: string; category: string; updatedAt: number };
const ev = (eventId: string, userId: string, itemId: string, type: string, ts: number, durationMs?: number): Ev =>
  durationMs === undefined ? { eventId, userId, itemId, type, ts } : { eventId, userId, itemId, type, ts, durationMs };

describe("user-sequences on a small hand-worked input", () => {
  const items: (Item | string | object)[] = [
    { itemId: "i1", category: "art", updatedAt: 0 },
    { itemId: "i1", category: "diy", updatedAt: 100 }, // two versions valid from 100:
    { itemId: "i1", category: "food", updatedAt: 100 }, //   the one whose canonical JSON sorts last ("food") wins
    { itemId: "i9", category: "x", updatedAt: "soon" }, // dead letter: validFrom is not a number
    { itemId: "i2", category: "travel", updatedAt: 50 },
    // i3 has no versions: its events get category null
  ];
  const events: (Ev | string)[] = [
    /*  1 */ ev("e1", "u1", "i1", "save", 10), // i1 at 10 → art
    /*  2 */ ev("e2", "u1", "i2", "click", 40), // i2 not valid until 50 → null
    /*  3 */ ev("e3", "u1", "i1", "view", 120, 1500), // long view, kept; i1 at 120 → food
    /*  4 */ ev("e4", "u1", "i1", "view", 130, 999), // short view: filtered out (before dedupe)
    /*  5 */ ev("e5", "u1", "i2", "hide", 140), // hides are dropped
    /*  6 */ ev("e1", "u1", "i1", "save", 10), // exact duplicate of 1: deduped
    /*  7 */ ev("e6", "u2", "i3", "click", 100), // no item i3 → null
    /*  8 */ ev("e7", "u1", "i2", "save", 100), // out of order (u1 is at 140); i2 at 100 → travel
    /*  9 */ ev("e8", "u1", "i1", "click", 100), // same ts as e7: e7 < e8 → e7 first; i1 at 100 → food
    /* 10 */ ev("e9", "u2", "i1", "view", 100), // view without durationMs counts as 0 ms → filtered
    /* 11 */ ev("e10", "u2", "i1", "save", 100), // same ts as e6: "e10" < "e6" by code unit → e10 first
    /* 12 */ ev("e4", "u1", "i1", "view", 130, 2000), // e4 again, long this time: the first e4 never reached dedupe → kept
    /* 13 */ '{"eventId":"e11","userId":"u1","itemId":"i1","type":"like","ts":1}', // dead letter: unknown type
    /* 14 */ "{oops", // dead letter: not JSON
    /* 15 */ ev("e12", "u1", "i2", "save", -5), // negative time is fine; i2 at -5 → null
    /* 16 */ ev("e2", "u1", "i2", "click", 45), // e2 again with another ts: deduped, the first (ts 40) stays
  ];

  it("gives each user's sequence, newest first, with point-in-time categories", async () => {
    const r = await runOn(userSequences, { events, items });
    const e = (itemId: string, type: string, ts: number, category: string | null) => ({ itemId, type, ts, category });
    expect(canonicalJson(r.outputs.sequences)).toBe(
      canonicalJson([
        {
          userId: "u1",
          events: [
            e("i1", "view", 130, "food"), // e4 (second)
            e("i1", "view", 120, "food"), // e3
            e("i2", "save", 100, "travel"), // e7
            e("i1", "click", 100, "food"), // e8
            e("i2", "click", 40, null), // e2 (first)
            e("i1", "save", 10, "art"), // e1
            e("i2", "save", -5, null), // e12
          ],
        },
        {
          userId: "u2",
          events: [
            e("i1", "save", 100, "food"), // e10
            e("i3", "click", 100, null), // e6
          ],
        },
      ]),
    );
  });

  it("accounts for every record: read = accepted + dead letters, per source and table", async () => {
    const r = await runOn(userSequences, { events, items });
    expect(accounting(r, "events")).toEqual({ read: 16, accepted: 14, dead: 2 });
    expect(accounting(r, "items")).toEqual({ read: 5, accepted: 4, dead: 1 });
    expect(r.deadLetters.map((d) => `${d.source}:${d.offset}`).sort()).toEqual(["events:13", "events:14", "items:4"]);
    expect(r.late).toEqual([]); // no windows, no ttl: nothing is ever late
  });

  it("keeps only the 50 latest per user", async () => {
    // 55 saves at ts 1000..1054, arriving oldest first, then newest first for a second user.
    const many = Array.from({ length: 55 }, (_, k) => ev(`m${k}`, "u3", "i2", "save", 1000 + k));
    const mirrored = many.map((x) => ({ ...x, eventId: `n${x.eventId}`, userId: "u4" })).reverse();
    const r = await runOn(userSequences, { events: [...many, ...mirrored], items: [{ itemId: "i2", category: "travel", updatedAt: 0 }] });
    const expected = Array.from({ length: 50 }, (_, k) => ({ itemId: "i2", type: "save", ts: 1054 - k, category: "travel" }));
    expect(canonicalJson(r.outputs.sequences)).toBe(
      canonicalJson([
        { userId: "u3", events: expected },
        { userId: "u4", events: expected },
      ]),
    );
  });
});

// ---------------------------------------------------------------------------
// An independent brute-force reference of the flagship's spec, in plain
// TypeScript, compared with the DirectRunner.

const TYPES = new Set(["save", "click", "view", "hide"]);

/** The event a raw record decodes to, or undefined when the codec rejects it. */
const decodeEvent = (x: unknown): Ev | undefined => {
  if (typeof x !== "object" || x === null || Array.isArray(x)) return undefined;
  const o = x as Record<string, unknown>;
  const str = (k: string) => typeof o[k] === "string";
  if (!str("eventId") || !str("userId") || !str("itemId") || !TYPES.has(o.type as string) || typeof o.ts !== "number") return undefined;
  if (o.durationMs !== undefined && typeof o.durationMs !== "number") return undefined;
  return o as Ev;
};

/** Expected final view of the `sequences` sink, by brute force. */
const reference = (rawEvents: readonly unknown[], items: readonly Item[]): unknown[] => {
  const kept = rawEvents
    .map(decodeEvent)
    .filter((e): e is Ev => e !== undefined)
    .filter((e) => e.type === "save" || e.type === "click" || (e.type === "view" && (e.durationMs ?? 0) >= 1000));
  const seen = new Set<string>();
  const unique = kept.filter((e) => !seen.has(e.eventId) && (seen.add(e.eventId), true));
  const categoryAt = (itemId: string, t: number): string | null => {
    let best: Item | undefined;
    for (const v of items) {
      if (v.itemId !== itemId || v.updatedAt > t) continue;
      if (!best || v.updatedAt > best.updatedAt || (v.updatedAt === best.updatedAt && canonicalJson(v) > canonicalJson(best))) best = v;
    }
    return best ? best.category : null;
  };
  const byUser = new Map<string, Ev[]>();
  for (const e of unique) byUser.set(e.userId, [...(byUser.get(e.userId) ?? []), e]);
  return [...byUser.keys()]
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((userId) => ({
      userId,
      events: byUser
        .get(userId)!
        .sort((a, b) => b.ts - a.ts || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0))
        .slice(0, 50)
        .map((e) => ({ itemId: e.itemId, type: e.type, ts: e.ts, category: categoryAt(e.itemId, e.ts) })),
    }));
};

const jsonlValues = (path: string): unknown[] =>
  readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .flatMap((l) => {
      try {
        return [JSON.parse(l)];
      } catch {
        return []; // not JSON: a dead letter, which the reference simply never sees
      }
    });

describe("user-sequences against a brute-force reference", () => {
  it("on the bundled sample data (with its 2 deliberate malformed events)", async () => {
    const events = repo("examples/data/events.jsonl");
    const items = repo("examples/data/items.jsonl");
    const r = await runDirect(userSequences, { inputs: { events, items } });
    expect(canonicalJson(r.outputs.sequences)).toBe(canonicalJson(reference(jsonlValues(events), jsonlValues(items) as Item[])));
    // The malformed ones: line 41 has type "like", line 91 is not JSON.
    expect(r.deadLetters.map((d) => `${d.source}:${d.offset}`)).toEqual(["events:41", "events:91"]);
    const a = accounting(r, "events");
    expect(a.dead).toBe(2);
    expect(a.read).toBe(readFileSync(events, "utf8").trimEnd().split("\n").length);
    expect(accounting(r, "items")).toEqual({ read: 38, accepted: 38, dead: 0 });
  });

  // Small pools so that ids, timestamps and validFroms collide often.
  const arbItem = fc.record({
    itemId: fc.constantFrom("i1", "i2", "i3", "i4"),
    category: fc.constantFrom("art", "food", "diy"),
    updatedAt: fc.integer({ min: -3, max: 12 }),
  });
  const arbEvent = (ids: number) =>
    fc.record(
      {
        eventId: fc.integer({ min: 1, max: ids }).map((n) => `e${n}`),
        userId: fc.constantFrom("u1", "u2", "u3"),
        itemId: fc.constantFrom("i1", "i2", "i3", "i4", "i5"),
        type: fc.constantFrom("save", "click", "view", "hide", "like"), // "like" is a dead letter
        ts: fc.integer({ min: -3, max: 12 }),
        durationMs: fc.integer({ min: 0, max: 2000 }),
      },
      { requiredKeys: ["eventId", "userId", "itemId", "type", "ts"] },
    );
  // Exact duplicates too: some events appear again later in the input.
  const arbInput = (ids: number, maxEvents: number) =>
    fc
      .tuple(fc.array(arbEvent(ids), { maxLength: maxEvents }), fc.array(fc.nat(), { maxLength: 10 }), fc.array(arbItem, { maxLength: 12 }))
      .map(([evs, again, items]) => ({ events: evs.length ? [...evs, ...again.map((i) => evs[i % evs.length]!)] : evs, items }));

  const agrees = async ({ events, items }: { events: unknown[]; items: Item[] }) => {
    const r = await runDirect(userSequences, { inputs: { events, items } });
    expect(canonicalJson(r.outputs.sequences)).toBe(canonicalJson(reference(events, items)));
  };

  it("on generated inputs: colliding ids, times and versions", async () => {
    await fc.assert(fc.asyncProperty(arbInput(15, 40), agrees), { numRuns: 200 });
  });

  it("on generated inputs: users with more than 50 events", async () => {
    await fc.assert(fc.asyncProperty(arbInput(400, 250), agrees), { numRuns: 30 });
  });
});
