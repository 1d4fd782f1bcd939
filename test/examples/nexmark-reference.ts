/**
 * Nexmark queries written directly over the generated events, as a user would write them by hand in
 * TypeScript, to check the lockstep pipelines against: plain loops and maps, nothing from lockstep
 * but the generator's event type. Each follows Beam's query (sdks/java/testing/nexmark/…/queries) as
 * README.md states it for lockstep's final view.
 *
 * @module
 */
import type { Auction, Bid, NexmarkEvent, Person } from "../../src/nexmark/index.ts";

const bidsOf = (events: readonly NexmarkEvent[]): Bid[] => events.filter((e): e is Bid => e.type === "bid");
const auctionsOf = (events: readonly NexmarkEvent[]): Auction[] => events.filter((e): e is Auction => e.type === "auction");
const personsOf = (events: readonly NexmarkEvent[]): Person[] => events.filter((e): e is Person => e.type === "person");
const project = (b: Bid) => ({ auction: b.auction, bidder: b.bidder, price: b.price, dateTime: b.dateTime, extra: b.extra });

/** q0: every event. */
export const q0 = (events: readonly NexmarkEvent[]): unknown[] => [...events];

/** q1: bids with `price * 89 / 100` in integer (Java long) arithmetic. */
export const q1 = (events: readonly NexmarkEvent[]): unknown[] => bidsOf(events).map((b) => ({ ...project(b), price: Number((BigInt(b.price) * 89n) / 100n) }));

/** q2: `{ auction, price }` of the bids whose auction is a multiple of 123. */
export const q2 = (events: readonly NexmarkEvent[]): unknown[] =>
  bidsOf(events)
    .filter((b) => b.auction % 123 === 0)
    .map((b) => ({ auction: b.auction, price: b.price }));

/** q3: `{ name, city, state, id }` for every person in OR/ID/CA and auction of theirs in category 10. */
export const q3 = (events: readonly NexmarkEvent[]): unknown[] => {
  const sellers = personsOf(events).filter((p) => p.state === "OR" || p.state === "ID" || p.state === "CA");
  const auctions = auctionsOf(events).filter((a) => a.category === 10);
  return sellers.flatMap((p) => auctions.filter((a) => a.seller === p.id).map((a) => ({ name: p.name, city: p.city, state: p.state, id: a.id })));
};

/** q7: per fixed 10 s window of bids, every bid at the window's highest price. */
export const q7 = (events: readonly NexmarkEvent[]): unknown[] => {
  const windows = new Map<number, Bid[]>();
  for (const b of bidsOf(events)) {
    const w = Math.floor(b.dateTime / 10_000);
    windows.set(w, [...(windows.get(w) ?? []), b]);
  }
  return [...windows.values()].flatMap((bids) => {
    const top = Math.max(...bids.map((b) => b.price));
    return bids.filter((b) => b.price === top).map(project);
  });
};

/** q11: per bidder, sessions of bids closed by 10 s without a bid: `{ bidder, windowStart, windowEnd, bidsPerSession }`. */
export const q11 = (events: readonly NexmarkEvent[]): unknown[] => {
  const gap = 10_000;
  const times = new Map<number, number[]>();
  for (const b of bidsOf(events)) times.set(b.bidder, [...(times.get(b.bidder) ?? []), b.dateTime]);
  const out: unknown[] = [];
  for (const [bidder, ts] of times) {
    ts.sort((a, b) => a - b);
    let start = ts[0]!;
    let end = start + gap;
    let n = 0;
    for (const t of ts) {
      // A bid opens [t, t + gap); it joins the session when the two overlap (touching does not).
      if (t >= end) {
        out.push({ bidder, windowStart: start, windowEnd: end, bidsPerSession: n });
        start = t;
        n = 0;
      }
      end = Math.max(end, t + gap);
      n++;
    }
    out.push({ bidder, windowStart: start, windowEnd: end, bidsPerSession: n });
  }
  return out;
};
