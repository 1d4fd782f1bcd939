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

/** Per auction, its winning bid: before `expires`, at or above `reserve`, highest price, then earliest, then lowest bidder, then `extra`. */
const winners = (events: readonly NexmarkEvent[]): { auction: Auction; bid: Bid }[] => {
  const bids = new Map<number, Bid[]>();
  for (const b of bidsOf(events)) bids.set(b.auction, [...(bids.get(b.auction) ?? []), b]);
  const out: { auction: Auction; bid: Bid }[] = [];
  for (const a of auctionsOf(events)) {
    const valid = (bids.get(a.id) ?? []).filter((b) => b.dateTime < a.expires && b.price >= a.reserve);
    valid.sort((x, y) => y.price - x.price || x.dateTime - y.dateTime || x.bidder - y.bidder || (x.extra < y.extra ? -1 : x.extra > y.extra ? 1 : 0));
    if (valid[0]) out.push({ auction: a, bid: valid[0] });
  }
  return out;
};
const withoutType = <T extends { type: string }>({ type: _, ...rest }: T): Omit<T, "type"> => rest;

/** The sliding windows of 10 s every 5 s holding time `t`, by start. */
const slidingStarts = (t: number): number[] => {
  const last = Math.floor(t / 5000) * 5000;
  return [last - 5000, last];
};

/** q4: per category and sliding window (10 s every 5 s) of auction expiry − 1 ms, the rounded mean winning price. */
export const q4 = (events: readonly NexmarkEvent[]): unknown[] => {
  const prices = new Map<string, number[]>();
  for (const { auction, bid } of winners(events)) {
    for (const s of slidingStarts(auction.expires - 1)) {
      const k = JSON.stringify([auction.category, s]);
      prices.set(k, [...(prices.get(k) ?? []), bid.price]);
    }
  }
  return [...prices].map(([k, ps]) => {
    const [category, s] = JSON.parse(k) as [number, number];
    return { category, windowStart: s, windowEnd: s + 10_000, price: Math.round(ps.reduce((x, y) => x + y, 0) / ps.length) };
  });
};

/** q5: per sliding window (10 s every 5 s) of bids, every auction with the most bids, and that number. */
export const q5 = (events: readonly NexmarkEvent[]): unknown[] => {
  const windows = new Map<number, Map<number, number>>();
  for (const b of bidsOf(events)) {
    for (const s of slidingStarts(b.dateTime)) {
      const counts = windows.get(s) ?? new Map<number, number>();
      counts.set(b.auction, (counts.get(b.auction) ?? 0) + 1);
      windows.set(s, counts);
    }
  }
  return [...windows.values()].flatMap((counts) => {
    const num = Math.max(...counts.values());
    return [...counts].filter(([, n]) => n === num).map(([auction]) => ({ auction, num }));
  });
};

/** q6: per seller, the rounded mean price of their 10 latest winning bids (by bid time, then price). */
export const q6 = (events: readonly NexmarkEvent[]): unknown[] => {
  const bySeller = new Map<number, Bid[]>();
  for (const { auction, bid } of winners(events)) bySeller.set(auction.seller, [...(bySeller.get(auction.seller) ?? []), bid]);
  return [...bySeller].map(([seller, bids]) => {
    const last = bids.sort((x, y) => x.dateTime - y.dateTime || x.price - y.price).slice(-10);
    return { seller, price: Math.round(last.reduce((s, b) => s + b.price, 0) / last.length) };
  });
};

/** q8: `{ id, name, reserve }` for every person and auction of theirs created in the same fixed 10 s window. */
export const q8 = (events: readonly NexmarkEvent[]): unknown[] => {
  const window = (t: number) => Math.floor(t / 10_000);
  const auctions = auctionsOf(events);
  return personsOf(events).flatMap((p) =>
    auctions.filter((a) => a.seller === p.id && window(a.dateTime) === window(p.dateTime)).map((a) => ({ id: p.id, name: p.name, reserve: a.reserve })),
  );
};

/** q9: `{ auction, bid }` for every auction with a winning bid. */
export const q9 = (events: readonly NexmarkEvent[]): unknown[] =>
  winners(events).map(({ auction, bid }) => ({ auction: withoutType(auction), bid: withoutType(bid) }));
