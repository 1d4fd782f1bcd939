/**
 * Nexmark q4, average price for a category: the mean winning price (winning-bids.ts) of the auctions
 * of each category, over sliding windows of 10 s every 5 s, rounded to a whole price (Beam's q4
 * outputs `Math.round` of `Mean.perKey`).
 *
 * A winning bid counts at its auction's expiry: in Beam it comes out of the auction's merged window
 * `[dateTime, expires)` with the window's end-of-window timestamp, `expires − 1 ms`; here it is given
 * that event time explicitly after the global combine. Those rows come out at end of input in no
 * particular order of time, so the window allows any lateness (a year) — nothing is dropped, as in
 * Beam's batch runs — see README.md.
 *
 * Output: `{ category, windowStart, windowEnd, price }` per category and window that has a winning
 * bid (Beam's `CategoryPrice` is `{ category, price, isLast }`; the final view holds only last panes,
 * and the window bounds tell the sliding windows apart).
 */
import * as L from "lockstep";
import { NexmarkEvent, SINK, SOURCE } from "./events.ts";
import { winningBids } from "./winning-bids.ts";

/** Beam's `windowSizeSec` and `windowPeriodSec`. */
export const WINDOW = { size: "10s", period: "5s" } as const;
/** Allowed lateness large enough that no winning bid is late (see the module comment). */
export const LATENESS = "365d";

export default L.pipeline("nexmark-q4", { version: 1 }, ({ source, sink }) =>
  L.pipe(
    winningBids(source(SOURCE, NexmarkEvent)),
    L.map((e) => ({
      category: e.field("winner").field("auction").field("category"),
      price: e.field("winner").field("bid").field("price"),
      expires: e.field("winner").field("auction").field("expires"),
    })),
    L.withTimestamps((e) => e.field("expires").sub(1)),
    L.keyBy("category"),
    L.window(L.sliding(WINDOW.size, WINDOW.period), { allowedLateness: LATENESS }),
    L.combine({ mean: L.mean("price") }),
    L.map((e) => ({ category: e.field("category"), windowStart: e.field("windowStart"), windowEnd: e.field("windowEnd"), price: e.field("mean").round() })),
    sink(SINK),
  ),
);
