/**
 * Nexmark q7, highest bid: per fixed 10 s window, the bid(s) with the highest price in that window
 * (Beam's q7 computes the window's maximum price as a side input and keeps every bid of the window
 * at that price, so ties all come out).
 *
 * Beam's maximum is over the whole window, not per key; lockstep's windowed aggregates are per key,
 * so every bid is keyed by its `type` (always `"bid"` here: one key). The bids at the maximum are
 * kept by a combiner ({@link highestBids}) rather than a `max` followed by a join of the bids with it:
 * a join reading a windowed combine's panes is refused (docs/semantics.md §9), and there is no
 * expression to filter an array.
 *
 * Output: `{ auction, bidder, price, dateTime, extra }` (Beam's `Bid`) for each winning bid of each
 * window; the window is not a field (Beam's output has none), but each window's bids are one pane.
 */
import * as L from "lockstep";
import { NexmarkEvent, SINK, SOURCE } from "./events.ts";

/** The bid fields q7 keeps. */
interface PricedBid {
  readonly auction: number;
  readonly bidder: number;
  readonly price: number;
  readonly dateTime: number;
  readonly extra: string;
}

/** The highest price seen, and every bid at it. */
interface Highest {
  price: number | null;
  bids: PricedBid[];
}

/** Total order on bids so the output does not depend on arrival: time, then bidder, auction, extra. */
const byTimeThenContent = (a: PricedBid, b: PricedBid): number =>
  a.dateTime - b.dateTime || a.bidder - b.bidder || a.auction - b.auction || (a.extra < b.extra ? -1 : a.extra > b.extra ? 1 : 0);

const keepHigher = (acc: Highest, price: number, bids: readonly PricedBid[]): Highest => {
  if (acc.price === null || price > acc.price) return { price, bids: [...bids] };
  if (price === acc.price) acc.bids.push(...bids);
  return acc;
};

/** Every bid at the highest price, in time order (ties kept, as Beam's q7 keeps them). */
export const highestBids = L.combiner("nexmark.highestBids", 1, {
  create: (): Highest => ({ price: null, bids: [] }),
  add: (acc: Highest, bid: PricedBid): Highest => keepHigher(acc, bid.price, [bid]),
  merge: (a: Highest, b: Highest): Highest => (b.price === null ? a : keepHigher(a, b.price, b.bids)),
  extract: (acc: Highest): PricedBid[] => [...acc.bids].sort(byTimeThenContent),
});

/** Beam's `windowSizeSec`. */
export const WINDOW = "10s";

export default L.pipeline("nexmark-q7", { version: 1 }, ({ source, sink }) =>
  L.pipe(
    source(SOURCE, NexmarkEvent),
    L.filter((e) => e.field("type").eq("bid")),
    L.withTimestamps((e) => e.field("dateTime")),
    L.map((e) => ({
      type: e.field("type"),
      auction: e.field("auction"),
      bidder: e.field("bidder"),
      price: e.field("price"),
      dateTime: e.field("dateTime"),
      extra: e.field("extra"),
    })),
    L.keyBy("type"),
    L.window(L.fixed(WINDOW)),
    L.combine({ bids: L.aggregate(highestBids, "*") }),
    L.flatMap((e) => e.field("bids"), { as: "bid" }),
    L.map((e) => ({
      auction: e.field("bid").field("auction"),
      bidder: e.field("bid").field("bidder"),
      price: e.field("bid").field("price"),
      dateTime: e.field("bid").field("dateTime"),
      extra: e.field("bid").field("extra"),
    })),
    sink(SINK),
  ),
);
