/**
 * The benchmark suites: each pairs a lockstep run with a hand-written loop
 * computing the same final view.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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

const LINES = 200_000;
const lines = (): { line: string }[] =>
  Array.from({ length: LINES }, () => ({ line: Array.from({ length: 10 }, () => VOCAB[Math.floor(rand() ** 2 * VOCAB.length)]).join(" ") + "." }));

const handWordcount = (rows: readonly { line: string }[]) => {
  const counts = new Map<string, number>();
  for (const { line } of rows) for (const w of line.toLowerCase().split(/[^a-z']+/)) if (w) counts.set(w, (counts.get(w) ?? 0) + 1);
  return [...counts].sort((a, b) => compareStrings(a[0], b[0])).map(([word, count]) => ({ count, word }));
};
const sortedKeys = (rows: unknown[]) => rows.map((r) => JSON.parse(canonicalJson(r)));

const wordcountInMemory: Bench<{ rows: { line: string }[] }> = {
  name: "wordcount, in memory (200k lines, 2M words)",
  elements: LINES,
  setup: () => ({ rows: lines() }),
  baseline: ({ rows }) => handWordcount(rows),
  lockstep: async ({ rows }) => (await runDirect(wordcount, { inputs: { lines: rows } })).outputs.counts!,
  normalize: (r) => sortedKeys(r as unknown[]),
};

const wordcountJsonl: Bench<{ path: string }> = {
  name: "wordcount, JSONL file (200k lines)",
  elements: LINES,
  setup: () => {
    const dir = mkdtempSync(join(tmpdir(), "lockstep-bench-"));
    const path = join(dir, "lines.jsonl");
    writeFileSync(
      path,
      lines()
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
};

const EVENTS = 200_000;
const TYPES = ["save", "click", "view", "hide"] as const;
type Ev = { eventId: string; userId: string; itemId: string; type: (typeof TYPES)[number]; ts: number; durationMs?: number };
const sequencesInput = () => {
  const items = Array.from({ length: 2000 }, (_, i) => ({ itemId: `i${i}`, category: `c${i % 17}`, updatedAt: 0 }));
  const events: Ev[] = Array.from({ length: EVENTS }, (_, n) => {
    const type = TYPES[Math.floor(rand() * 4)]!;
    const e: Ev = {
      eventId: `e${Math.floor(n * 0.98)}`,
      userId: `u${Math.floor(rand() * 5000)}`,
      itemId: `i${Math.floor(rand() * 2000)}`,
      type,
      ts: 1_000_000 + n * 10 - Math.floor(rand() * 500),
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

const sequences: Bench<ReturnType<typeof sequencesInput>> = {
  name: "user-sequences, in memory (200k events, 5k users)",
  elements: EVENTS,
  setup: sequencesInput,
  baseline: handSequences,
  lockstep: async (s) => (await runDirect(userSequences, { inputs: { events: s.events, items: s.items } })).outputs.sequences!,
  normalize: (r) => sortedKeys(r as unknown[]),
};

const NEXMARK_EVENTS = 200_000;
const nexmarkInput = () => ({ rows: [...nexmarkEvents(nexmarkConfig({ events: NEXMARK_EVENTS }))] as unknown as Record<string, unknown>[] });
const byJson = (r: unknown[]) => r.map((x) => JSON.stringify(x)).sort();

/** Nexmark q1 (examples/nexmark/q1.ts): every bid, price · 89 / 100 truncated. Baseline: a filter/map loop. */
const nexmarkQ1: Bench<{ rows: Record<string, unknown>[] }> = {
  name: "nexmark q1, in memory (200k events)",
  elements: NEXMARK_EVENTS,
  setup: nexmarkInput,
  baseline: ({ rows }) => {
    const out: unknown[] = [];
    for (const e of rows)
      if (e.type === "bid")
        out.push({ auction: e.auction, bidder: e.bidder, price: Math.floor(((e.price as number) * 89) / 100), dateTime: e.dateTime, extra: e.extra });
    return out;
  },
  lockstep: async ({ rows }) => (await runDirect(nexmarkQ1Pipeline, { inputs: { events: rows } })).outputs.out!,
  normalize: (r) => byJson(r as unknown[]),
};

/** Nexmark q2 (examples/nexmark/q2.ts): bids on every 123rd auction. Baseline: a filter/map loop. */
const nexmarkQ2: Bench<{ rows: Record<string, unknown>[] }> = {
  name: "nexmark q2, in memory (200k events)",
  elements: NEXMARK_EVENTS,
  setup: nexmarkInput,
  baseline: ({ rows }) => {
    const out: unknown[] = [];
    for (const e of rows) if (e.type === "bid" && (e.auction as number) % 123 === 0) out.push({ auction: e.auction, price: e.price });
    return out;
  },
  lockstep: async ({ rows }) => (await runDirect(nexmarkQ2Pipeline, { inputs: { events: rows } })).outputs.out!,
  normalize: (r) => byJson(r as unknown[]),
};

export const benchmarks: Bench<any>[] = [wordcountInMemory, wordcountJsonl, sequences, nexmarkQ1, nexmarkQ2];
