/**
 * Nexmark q9, winning bids: every auction with its winning bid — the highest bid at or above the
 * reserve placed before the auction expires, the earliest of equal bids (Beam's `WinningBids`, see
 * winning-bids.ts).
 *
 * Output: `{ auction, bid }` per auction that has a winning bid (Beam's `AuctionBid`: `auction` with
 * Beam's `Auction` fields, `bid` with Beam's `Bid` fields).
 */
import * as L from "lockstep";
import { NexmarkEvent, SINK, SOURCE } from "./events.ts";
import { winningBids } from "./winning-bids.ts";

export default L.pipeline("nexmark-q9", { version: 1 }, ({ source, sink }) =>
  L.pipe(
    winningBids(source(SOURCE, NexmarkEvent)),
    L.map((e) => ({ auction: e.field("winner").field("auction"), bid: e.field("winner").field("bid") })),
    sink(SINK),
  ),
);
