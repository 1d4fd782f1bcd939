/**
 * The benchmark suites: each pairs a lockstep run with a hand-written loop
 * computing the same final view (sorted as lockstep's final view is, so the
 * loops do the whole job too). `benchmarks(n)` sizes every suite to about `n`
 * input records: `npm run bench` uses 5M (issue 11), the smoke test a few
 * thousand.
 */
import * as t from "io-ts";
import * as L from "lockstep";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import windowCount from "../examples/window-count.ts";
import wordcount from "../examples/wordcount.ts";
import userSequences from "../examples/user-sequences.ts";
import { runDirect } from "../runners/direct/index.ts";
import { canonicalJson, compareStrings } from "../src/core/canonical.ts";
import nexmarkQ1Pipeline from "../examples/nexmark/q1.ts";
import nexmarkQ2Pipeline from "../examples/nexmark/q2.ts";
import { nexmarkConfig, nexmarkEvents } from "../src/nexmark/index.ts";

/** One benchmark. */
export interface Bench<S> {
  readonly name: string;
  readonly elements: number;
  readonly reps?: number;
  setup(): S | Promise<S>;
  baseline(s: S): unknown;
  lockstep(s: S): Promise<unknown>;
  /** Brings both results to one form for the agreement check (not timed). */
  normalize?(result: unknown): unknown;
}

let seed = 42;
const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const VOCAB = Array.from({ length: 5000 }, (_, i) => `w${i.toString(36)}`);

const lines = (n: number): { line: string }[] =>
  Array.from({ length: n }, () => ({ line: Array.from({ length: 10 }, () => VOCAB[Math.floor(rand() ** 2 * VOCAB.length)]).join(" ") + "." }));

const handWordcount = (rows: readonly { line: string }[]) => {
  const counts = new Map<string, number>();
  for (const { line } of rows) for (const w of line.toLowerCase().split(/[^a-z']+/)) if (w) counts.set(w, (counts.get(w) ?? 0) + 1);
  return [...counts].sort((a, b) => compareStrings(a[0], b[0])).map(([word, count]) => ({ count, word }));
};
const sortedKeys = (rows: unknown[]) => rows.map((r) => JSON.parse(canonicalJson(r)));

const count = (n: number) => (n >= 1e6 ? `${n / 1e6}M` : n >= 1e3 ? `${n / 1e3}k` : String(n));

const wordcountInMemory = (n: number): Bench<{ rows: { line: string }[] }> => ({
  name: `wordcount, in memory (${count(n)} lines, ${count(10 * n)} words)`,
  elements: n,
  reps: repsFor(n),
  setup: () => ({ rows: lines(n) }),
  baseline: ({ rows }) => handWordcount(rows),
  lockstep: async ({ rows }) => (await runDirect(wordcount, { inputs: { lines: rows } })).outputs.counts!,
  normalize: (r) => sortedKeys(r as unknown[]),
});

const wordcountJsonl = (n: number): Bench<{ path: string }> => ({
  name: `wordcount, JSONL file (${count(n)} lines)`,
  elements: n,
  reps: repsFor(n),
  setup: () => {
    const dir = mkdtempSync(join(tmpdir(), "lockstep-bench-"));
    const path = join(dir, "lines.jsonl");
    writeFileSync(
      path,
      lines(n)
        .map((r) => JSON.stringify(r))
        .join("\n") + "\n",
    );
    return { path };
  },
  baseline: async ({ path }) => {
    const { readFileSync } = await import("node:fs");
    const rows = readFileSync(path, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { line: string });
    return handWordcount(rows);
  },
  lockstep: async ({ path }) => (await runDirect(wordcount, { inputs: { lines: path } })).outputs.counts!,
  normalize: (r) => sortedKeys(r as unknown[]),
});

const TYPES = ["save", "click", "view", "hide"] as const;
type Ev = { eventId: string; userId: string; itemId: string; type: (typeof TYPES)[number]; ts: number; durationMs?: number };
const sequencesInput = (n: number) => {
  const items = Array.from({ length: 2000 }, (_, i) => ({ itemId: `i${i}`, category: `c${i % 17}`, updatedAt: 0 }));
  const events: Ev[] = Array.from({ length: n }, (_, i) => {
    const type = TYPES[Math.floor(rand() * 4)]!;
    const e: Ev = {
      eventId: `e${Math.floor(i * 0.98)}`,
      userId: `u${Math.floor(rand() * 5000)}`,
      itemId: `i${Math.floor(rand() * 2000)}`,
      type,
      ts: 1_000_000 + i * 10 - Math.floor(rand() * 500),
    };
    if (type === "view") e.durationMs = Math.floor(rand() * 3000);
    return e;
  });
  return { items, events };
};

/** The flagship's spec written as a plain loop (all items valid from 0, so the lookup is a map). */
const handSequences = ({ items, events }: ReturnType<typeof sequencesInput>) => {
  const cat = new Map(items.map((i) => [i.itemId, i.category]));
  const seen = new Set<string>();
  const per = new Map<string, Ev[]>();
  for (const e of events) {
    if (e.type === "hide" || (e.type === "view" && (e.durationMs ?? 0) < 1000)) continue;
    if (seen.has(e.eventId)) continue;
    seen.add(e.eventId);
    let l = per.get(e.userId);
    if (!l) per.set(e.userId, (l = []));
    l.push(e);
  }
  return [...per.keys()].sort(compareStrings).map((userId) => ({
    events: per
      .get(userId)!
      .sort((a, b) => b.ts - a.ts || compareStrings(a.eventId, b.eventId))
      .slice(0, 50)
      .map((e) => ({ category: cat.get(e.itemId) ?? null, itemId: e.itemId, ts: e.ts, type: e.type })),
    userId,
  }));
};

const sequences = (n: number): Bench<ReturnType<typeof sequencesInput>> => ({
  name: `user-sequences, in memory (${count(n)} events, 5k users)`,
  elements: n,
  reps: repsFor(n),
  setup: () => sequencesInput(n),
  baseline: handSequences,
  lockstep: async (s) => (await runDirect(userSequences, { inputs: { events: s.events, items: s.items } })).outputs.sequences!,
  normalize: (r) => sortedKeys(r as unknown[]),
});

/** Keyed events in time order, 10 ms apart, over 1,000 keys: nothing is late, so the loop need not judge lateness. */
const windowInput = (n: number) => ({ rows: Array.from({ length: n }, (_, i) => ({ key: `k${Math.floor(rand() * 1000)}`, ts: i * 10 })) });

/** examples/window-count.ts with its default fixed 10 s windows: a count per key and window. */
const windowCounts = (n: number): Bench<ReturnType<typeof windowInput>> => ({
  name: `window-count, fixed 10 s, in memory (${count(n)} events, 1k keys)`,
  elements: n,
  reps: repsFor(n),
  setup: () => windowInput(n),
  baseline: ({ rows }) => {
    const counts = new Map<string, Map<number, number>>();
    for (const { key, ts } of rows) {
      let byWindow = counts.get(key);
      if (!byWindow) counts.set(key, (byWindow = new Map()));
      const start = ts - (ts % 10_000);
      byWindow.set(start, (byWindow.get(start) ?? 0) + 1);
    }
    return [...counts.keys()]
      .sort(compareStrings)
      .flatMap((key) =>
        [...counts.get(key)!].sort((a, b) => a[0] - b[0]).map(([windowStart, n]) => ({ count: n, key, windowEnd: windowStart + 10_000, windowStart })),
      );
  },
  lockstep: async ({ rows }) => (await runDirect(windowCount, { inputs: { events: rows } })).outputs.counts!,
  normalize: (r) => sortedKeys(r as unknown[]),
});

const nexmarkInput = (n: number) => ({ rows: [...nexmarkEvents(nexmarkConfig({ events: n }))] as unknown as Record<string, unknown>[] });
const byJson = (r: unknown[]) => r.map((x) => canonicalJson(x)).sort();
/** What a hand-written loop does for a deterministic unkeyed output: rows with sorted keys, sorted by their JSON. */
const sortedRows = (rows: Record<string, unknown>[]) =>
  rows
    .map((r) => [JSON.stringify(r), r] as const)
    .sort((a, b) => compareStrings(a[0], b[0]))
    .map(([, r]) => r);

/** Nexmark q1 (examples/nexmark/q1.ts): every bid, price · 89 / 100 truncated. Baseline: a filter/map loop. */
const nexmarkQ1 = (n: number): Bench<{ rows: Record<string, unknown>[] }> => ({
  name: `nexmark q1, in memory (${count(n)} events)`,
  elements: n,
  reps: repsFor(n),
  setup: () => nexmarkInput(n),
  baseline: ({ rows }) => {
    const out: Record<string, unknown>[] = [];
    for (const e of rows)
      if (e.type === "bid")
        out.push({ auction: e.auction, bidder: e.bidder, dateTime: e.dateTime, extra: e.extra, price: Math.floor(((e.price as number) * 89) / 100) });
    return sortedRows(out);
  },
  lockstep: async ({ rows }) => (await runDirect(nexmarkQ1Pipeline, { inputs: { events: rows } })).outputs.out!,
  normalize: (r) => byJson(r as unknown[]),
});

/** Nexmark q2 (examples/nexmark/q2.ts): bids on every 123rd auction. Baseline: a filter/map loop. */
const nexmarkQ2 = (n: number): Bench<{ rows: Record<string, unknown>[] }> => ({
  name: `nexmark q2, in memory (${count(n)} events)`,
  elements: n,
  reps: repsFor(n),
  setup: () => nexmarkInput(n),
  baseline: ({ rows }) => {
    const out: Record<string, unknown>[] = [];
    for (const e of rows) if (e.type === "bid" && (e.auction as number) % 123 === 0) out.push({ auction: e.auction, price: e.price });
    return sortedRows(out);
  },
  lockstep: async ({ rows }) => (await runDirect(nexmarkQ2Pipeline, { inputs: { events: rows } })).outputs.out!,
  normalize: (r) => byJson(r as unknown[]),
});

/** A purchase or a view by one of 1k users, at time `ts` (ms): the stateless chain's input. */
const ChainEvent = t.type({ user: t.string, kind: t.string, amount: t.number, ts: t.number });
type ChainRow = t.TypeOf<typeof ChainEvent>;
const KINDS = ["buy", "view", "view", "cart"] as const;
const chainInput = (n: number) => ({
  rows: Array.from(
    { length: n },
    (_, i): ChainRow => ({
      user: `u${Math.floor(rand() * 1000)}`,
      kind: KINDS[Math.floor(rand() * 4)]!,
      amount: Math.floor(rand() * 100),
      ts: 1_000_000 + i * 10 - Math.floor(rand() * 500),
    }),
  ),
});

/**
 * Decode → withTimestamps → filter → map, keyed by user (so every element advances its user's clock):
 * the chain of stateless stages issue 12 measures on its own. No keyed stage follows, so nothing is late.
 */
const chainPipeline = L.pipeline("stateless-chain", { version: 1 }, ({ source, sink }) =>
  L.pipe(
    source("events", ChainEvent, { key: "user" }),
    L.withTimestamps((e) => e.field("ts")),
    L.filter((e) => e.field("kind").eq("buy").and(e.field("amount").gt(10))),
    L.map((e) => ({ user: e.field("user"), cents: e.field("amount").mul(100), ts: e.field("ts") })),
    sink("out"),
  ),
);

/** The chain as a loop: the same type checks the decoder makes, a clock per user, the filter, the map. */
const statelessChain = (n: number): Bench<ReturnType<typeof chainInput>> => ({
  name: `stateless chain decode → withTimestamps → filter → map, in memory (${count(n)} events)`,
  elements: n,
  reps: repsFor(n),
  setup: () => chainInput(n),
  baseline: ({ rows }) => {
    const clocks = new Map<string, number>();
    const out: Record<string, unknown>[] = [];
    for (const e of rows) {
      if (typeof e.user !== "string" || typeof e.kind !== "string" || typeof e.amount !== "number" || typeof e.ts !== "number") continue;
      const prev = clocks.get(e.user);
      if (prev === undefined || e.ts > prev) clocks.set(e.user, e.ts);
      if (e.kind === "buy" && e.amount > 10) out.push({ cents: e.amount * 100, ts: e.ts, user: e.user });
    }
    return sortedRows(out);
  },
  lockstep: async ({ rows }) => (await runDirect(chainPipeline, { inputs: { events: rows } })).outputs.out!,
  normalize: (r) => byJson(r as unknown[]),
});

/** Timed runs per side: 5 for small inputs, 3 for millions (each run of lockstep then takes tens of seconds). */
const repsFor = (n: number): number => (n >= 1_000_000 ? 3 : 5);

/**
 * Every suite sized to about `n` input records (wordcount: `n / 10` lines of 10 words, so its
 * word count is `n`).
 */
export const benchmarks = (n: number): Bench<any>[] => [
  wordcountInMemory(Math.ceil(n / 10)),
  wordcountJsonl(Math.ceil(n / 10)),
  windowCounts(n),
  sequences(n),
  nexmarkQ1(n),
  nexmarkQ2(n),
  statelessChain(n),
];
