/**
 * Nexmark q6, average selling price by seller: per seller, the mean winning price (winning-bids.ts)
 * of their 10 most recent winning bids — by bid time, then price, as Beam's
 * `MovingMeanSellingPrice` sorts them — rounded (`Math.round`).
 *
 * Beam re-windows into the global window with a trigger after every element, so it emits an updated
 * mean for each winning bid; the final view is the last of those, the mean over the seller's 10
 * latest winning bids.
 *
 * Output: `{ seller, price }` per seller with a winning bid (Beam's `SellerPrice`).
 */
import * as L from "lockstep";
import { NexmarkEvent, SINK, SOURCE } from "./events.ts";
import { type Bid, winningBids } from "./winning-bids.ts";

/** How many of a seller's latest winning bids are averaged. */
export const LAST = 10;

const byTimeThenPrice = (a: Bid, b: Bid): number => a.dateTime - b.dateTime || a.price - b.price;

/** The mean price of the `LAST` latest bids (by time, then price), rounded; `null` for none. */
export const meanOfLatest = L.combiner("nexmark.meanOfLatest", 1, {
  create: (): Bid[] => [],
  add: (acc: Bid[], bid: Bid): Bid[] => [...acc, bid].sort(byTimeThenPrice).slice(-LAST),
  merge: (a: Bid[], b: Bid[]): Bid[] => [...a, ...b].sort(byTimeThenPrice).slice(-LAST),
  extract: (acc: Bid[]): number | null => (acc.length === 0 ? null : Math.round(acc.reduce((s, b) => s + b.price, 0) / acc.length)),
});

export default L.pipeline("nexmark-q6", { version: 1 }, ({ source, sink }) =>
  L.pipe(
    winningBids(source(SOURCE, NexmarkEvent)),
    L.map((e) => ({ seller: e.field("winner").field("auction").field("seller"), bid: e.field("winner").field("bid") })),
    L.keyBy("seller"),
    L.combine({ price: L.aggregate(meanOfLatest, "bid") }),
    sink(SINK),
  ),
);
