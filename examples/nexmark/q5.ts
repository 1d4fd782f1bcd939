/**
 * Nexmark q5, hot items: per sliding window of 10 s every 5 s, the auction(s) with the most bids —
 * every auction tied at the maximum count, as Beam's `TopCombineFn` keeps them.
 *
 * Beam counts bids per auction (`Count.perElement`) and then combines those counts per window
 * (`Combine.globally`). lockstep refuses a keyed aggregate over a windowed aggregate's panes
 * (docs/semantics.md §9: they may fire more than once), so one combine per window (every bid keyed by
 * its `type`, one key) keeps the count of every auction in the window ({@link hotAuctions}) and
 * extracts those at the maximum.
 *
 * Output: `{ auction, num }` per hot auction and window (Beam's `AuctionCount`); the window is not a
 * field (Beam's output has none), each window's auctions are one pane.
 */
import * as L from "lockstep";
import { NexmarkEvent, SINK, SOURCE } from "./events.ts";

/** Beam's `windowSizeSec` and `windowPeriodSec`. */
export const WINDOW = { size: "10s", period: "5s" } as const;

/** Bid counts by auction id (JSON object keys are strings). */
type Counts = Record<string, number>;

/** The auctions with the most bids and that number, ascending by auction id. */
export const hotAuctions = L.combiner("nexmark.hotAuctions", 1, {
  create: (): Counts => ({}),
  add: (acc: Counts, auction: number): Counts => {
    acc[auction] = (acc[auction] ?? 0) + 1;
    return acc;
  },
  merge: (a: Counts, b: Counts): Counts => {
    for (const [k, n] of Object.entries(b)) a[k] = (a[k] ?? 0) + n;
    return a;
  },
  extract: (acc: Counts): { auction: number; num: number }[] => {
    const num = Math.max(0, ...Object.values(acc));
    return Object.entries(acc)
      .filter(([, n]) => n === num)
      .map(([k]) => ({ auction: Number(k), num }))
      .sort((x, y) => x.auction - y.auction);
  },
});

export default L.pipeline("nexmark-q5", { version: 1 }, ({ source, sink }) =>
  L.pipe(
    source(SOURCE, NexmarkEvent),
    L.filter((e) => e.field("type").eq("bid")),
    L.withTimestamps((e) => e.field("dateTime")),
    L.keyBy("type"),
    L.window(L.sliding(WINDOW.size, WINDOW.period)),
    L.combine({ hot: L.aggregate(hotAuctions, "auction") }),
    L.flatMap((e) => e.field("hot"), { as: "item" }),
    L.map((e) => ({ auction: e.field("item").field("auction"), num: e.field("item").field("num") })),
    sink(SINK),
  ),
);
