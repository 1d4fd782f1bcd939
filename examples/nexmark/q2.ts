/**
 * Nexmark q2, selection: the bids on every 123rd auction (`auction % 123 == 0`, Beam's default
 * `auctionSkip`).
 *
 * Output: `{ auction, price }` per selected bid (Beam's `AuctionPrice`).
 */
import * as L from "lockstep";
import { NexmarkEvent, SINK, SOURCE } from "./events.ts";

/** Beam's `NexmarkConfiguration.auctionSkip`. */
export const AUCTION_SKIP = 123;

export default L.pipeline("nexmark-q2", { version: 1 }, ({ source, sink }) =>
  L.pipe(
    source(SOURCE, NexmarkEvent),
    L.filter((e) => e.field("type").eq("bid").and(e.field("auction").mod(AUCTION_SKIP).eq(0))),
    L.map((e) => ({ auction: e.field("auction"), price: e.field("price") })),
    sink(SINK),
  ),
);
