/**
 * Nexmark q11, user sessions: how many bids each bidder made in each of their sessions, a session
 * ending after 10 s without a bid from that bidder (Beam's q11 uses `windowSizeSec`, 10 s, as the gap).
 *
 * Output: `{ bidder, windowStart, windowEnd, bidsPerSession }` per bidder and session. Beam's
 * `BidsPerSession` is `{ personId, bidsPerSession }`; here the key keeps the bid's field name and the
 * session's bounds stay in the row — they are what tells two sessions of one bidder apart in a final
 * view (session windows are `[first bid, last bid + gap)`).
 */
import * as L from "lockstep";
import { NexmarkEvent, SINK, SOURCE } from "./events.ts";

/** The session gap (Beam's `windowSizeSec`). */
export const GAP = "10s";

export default L.pipeline("nexmark-q11", { version: 1 }, ({ source, sink }) =>
  L.pipe(
    source(SOURCE, NexmarkEvent),
    L.filter((e) => e.field("type").eq("bid")),
    L.withTimestamps((e) => e.field("dateTime")),
    L.map((e) => ({ bidder: e.field("bidder") })),
    L.keyBy("bidder"),
    L.window(L.session(GAP)),
    L.combine({ bidsPerSession: L.count() }),
    sink(SINK),
  ),
);
