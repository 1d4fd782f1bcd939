/**
 * Beam's `WinningBids`, shared by q4, q6 and q9: per auction, the highest bid at or above the
 * reserve made before the auction expires (equal prices: the earliest bid wins).
 *
 * Beam brings each auction and its bids together with a merging window function
 * (`AuctionOrBidWindowFn`: a bid's window merges into its auction's when the bid starts before the
 * auction expires) and a `CoGroupByKey`. lockstep has neither a custom window function nor a combine
 * after a join (a join's panes may fire more than once, so docs/semantics.md §9 refuses it), so both
 * kinds of event go, keyed by auction id, into one combine in the global window whose combiner
 * ({@link winningBid}) holds the auction and its best valid bid so far — or, while the auction is
 * not yet seen, every bid for it. The global window fires once, at end of input, so q4 and q6 may
 * aggregate its rows again.
 *
 * @module
 */
import * as L from "lockstep";
import type { Stream } from "lockstep";
import type { NexmarkEvent } from "./events.ts";
import type { Auction as NexmarkAuction, Bid as NexmarkBid } from "lockstep/nexmark";

/** An auction as q4, q6 and q9 output it (Beam's `Auction`: the generator's, without the `type` tag). */
export type Auction = Omit<NexmarkAuction, "type">;

/** A bid as q4, q6 and q9 output it (Beam's `Bid`, without the `type` tag). */
export type Bid = Omit<NexmarkBid, "type">;

/** An auction with its winning bid (Beam's `AuctionBid`). */
export interface AuctionBid {
  readonly auction: Auction;
  readonly bid: Bid;
}

/** The combiner's input: an auction or a bid, every field of both (`null` where the kind has none). */
type AuctionOrBid = { readonly type: string | null } & { readonly [F in keyof Auction | keyof Bid]: unknown };

/** The auction once seen; its best valid bid (at most one) once it is, else every bid so far. */
interface Acc {
  auction: Auction | null;
  bids: Bid[];
}

const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Beam's `Bid.PRICE_THEN_DESCENDING_TIME` (higher price, then earlier time, wins); Beam keeps the
 * first of bids equal in both, which depends on arrival, so here the lower bidder, then the smaller
 * `extra`, wins.
 */
const beats = (a: Bid, b: Bid): boolean =>
  a.price !== b.price
    ? a.price > b.price
    : a.dateTime !== b.dateTime
      ? a.dateTime < b.dateTime
      : a.bidder !== b.bidder
        ? a.bidder < b.bidder
        : compareStrings(a.extra, b.extra) < 0;

/** Once the auction is known, only its best valid bid matters: a bid before `expires`, at or above `reserve`. */
const settle = (acc: Acc): Acc => {
  const a = acc.auction;
  if (a === null) return acc;
  let best: Bid | null = null;
  for (const b of acc.bids) if (b.dateTime < a.expires && b.price >= a.reserve && (best === null || beats(b, best))) best = b;
  acc.bids = best === null ? [] : [best];
  return acc;
};

const auctionOf = (e: AuctionOrBid): Auction => ({
  id: e.id as number,
  itemName: e.itemName as string,
  description: e.description as string,
  initialBid: e.initialBid as number,
  reserve: e.reserve as number,
  dateTime: e.dateTime as number,
  expires: e.expires as number,
  seller: e.seller as number,
  category: e.category as number,
  extra: e.extra as string,
});

const bidOf = (e: AuctionOrBid): Bid => ({
  auction: e.auction as number,
  bidder: e.bidder as number,
  price: e.price as number,
  dateTime: e.dateTime as number,
  extra: e.extra as string,
});

/** The auction and its winning bid, or `null` when the auction was not seen or no bid is valid. */
export const winningBid = L.combiner("nexmark.winningBid", 1, {
  create: (): Acc => ({ auction: null, bids: [] }),
  add: (acc: Acc, e: AuctionOrBid): Acc => {
    if (e.type === "auction") acc.auction = auctionOf(e);
    else acc.bids.push(bidOf(e));
    return settle(acc);
  },
  merge: (a: Acc, b: Acc): Acc => settle({ auction: a.auction ?? b.auction, bids: [...a.bids, ...b.bids] }),
  extract: (acc: Acc): AuctionBid | null => {
    const best = settle({ auction: acc.auction, bids: [...acc.bids] });
    return best.auction === null || best.bids[0] === undefined ? null : { auction: best.auction, bid: best.bids[0] };
  },
});

/**
 * The winning bid of every auction that has one: rows `{ auctionId, winner: { auction, bid } }` keyed
 * by `auctionId`, from one combine in the (implicit) global window.
 */
export const winningBids = (events: Stream<NexmarkEvent>) =>
  L.pipe(
    events,
    L.filter((e) => L.or(e.field("type").eq("auction"), e.field("type").eq("bid"))),
    L.map((e) => ({
      auctionId: L.when(e.field("type").eq("bid"), e.field("auction"), e.field("id")),
      type: e.field("type"),
      id: e.field("id"),
      itemName: e.field("itemName"),
      description: e.field("description"),
      initialBid: e.field("initialBid"),
      reserve: e.field("reserve"),
      dateTime: e.field("dateTime"),
      expires: e.field("expires"),
      seller: e.field("seller"),
      category: e.field("category"),
      extra: e.field("extra"),
      auction: e.field("auction"),
      bidder: e.field("bidder"),
      price: e.field("price"),
    })),
    L.keyBy("auctionId"),
    L.combine({ winner: L.aggregate(winningBid, "*") }),
    L.filter((e) => e.field("winner").isNotNull()),
  );
