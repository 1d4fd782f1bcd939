/**
 * The three Nexmark event types as objects, read from the fields draw.ts draws (the one place Beam's
 * formulas live) and the line it wrote. Field names are Beam's; times are epoch ms.
 *
 * @module
 */
import { AUCTION, type EventFields, PERSON, S } from "./draw.ts";

/** A person who may sell and bid. */
export interface Person {
  readonly type: "person";
  readonly id: number;
  readonly name: string;
  readonly emailAddress: string;
  readonly creditCard: string;
  readonly city: string;
  readonly state: string;
  readonly dateTime: number;
  readonly extra: string;
}

/** An item for sale, open from `dateTime` until `expires`. */
export interface Auction {
  readonly type: "auction";
  readonly id: number;
  readonly itemName: string;
  readonly description: string;
  readonly initialBid: number;
  readonly reserve: number;
  readonly dateTime: number;
  readonly expires: number;
  readonly seller: number;
  readonly category: number;
  readonly extra: string;
}

/** A bid of `price` cents by `bidder` on `auction`. */
export interface Bid {
  readonly type: "bid";
  readonly auction: number;
  readonly bidder: number;
  readonly price: number;
  readonly dateTime: number;
  readonly extra: string;
}

/** One Nexmark event. */
export type NexmarkEvent = Person | Auction | Bid;

/** String field `i` (see `S`) of the line `f` was drawn into. */
function text(f: EventFields, line: Buffer, i: number): string {
  return line.toString("latin1", f.spans[2 * i], f.spans[2 * i + 1]);
}

/** `extra` as drawn: the line holds it JSON-escaped, and a backslash is the one character escaped. */
function extra(f: EventFields, line: Buffer, i: number): string {
  const s = text(f, line, i);
  return s.includes("\\") ? s.replaceAll("\\\\", "\\") : s;
}

/** The event last drawn into `f` and `line`, as an object with Beam's fields in Beam's order (the order `JSON.stringify` writes). */
export function eventOf(f: EventFields, line: Buffer): NexmarkEvent {
  switch (f.kind) {
    case PERSON:
      return {
        type: "person",
        id: f.id,
        name: text(f, line, S.name),
        emailAddress: text(f, line, S.emailAddress),
        creditCard: text(f, line, S.creditCard),
        city: text(f, line, S.city),
        state: text(f, line, S.state),
        dateTime: f.dateTime,
        extra: extra(f, line, S.personExtra),
      };
    case AUCTION:
      return {
        type: "auction",
        id: f.id,
        itemName: text(f, line, S.itemName),
        description: text(f, line, S.description),
        initialBid: f.initialBid,
        reserve: f.reserve,
        dateTime: f.dateTime,
        expires: f.expires,
        seller: f.seller,
        category: f.category,
        extra: extra(f, line, S.auctionExtra),
      };
    default:
      return { type: "bid", auction: f.auction, bidder: f.bidder, price: f.price, dateTime: f.dateTime, extra: extra(f, line, S.bidExtra) };
  }
}
