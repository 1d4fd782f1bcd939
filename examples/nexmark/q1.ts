/**
 * Nexmark q1, currency conversion: every bid with its price in euros, `price * 89 / 100` on Java
 * longs — integer division, which truncates. Prices are positive whole cents, so truncation is
 * `floor`; `price * 89` stays far below 2^53, so the double quotient floors to the exact integer one.
 *
 * Output: `{ auction, bidder, price, dateTime, extra }` per bid (Beam's `Bid`).
 */
import * as L from "lockstep";
import { NexmarkEvent, SINK, SOURCE } from "./events.ts";

export default L.pipeline("nexmark-q1", { version: 1 }, ({ source, sink }) =>
  L.pipe(
    source(SOURCE, NexmarkEvent),
    L.filter((e) => e.field("type").eq("bid")),
    L.map((e) => ({
      auction: e.field("auction"),
      bidder: e.field("bidder"),
      price: e.field("price").mul(89).div(100).floor(),
      dateTime: e.field("dateTime"),
      extra: e.field("extra"),
    })),
    sink(SINK),
  ),
);
