/**
 * The Nexmark event as lockstep reads it: one codec for the three kinds, the fields every kind has
 * (`type`, `dateTime`, `extra`) required and the rest optional. A tagged union (`t.union` of
 * `t.type`s) would decode the same records, but a stream of a TypeScript union only lets an
 * expression read the fields common to every member (`keyof (A | B)`), so after
 * `L.filter((e) => e.field("type").eq("bid"))` the bid's own fields could not be read; with one
 * flat type they can, and a missing field reads as `null` (docs/semantics.md §1).
 *
 * Field names are Beam's (`sdks/java/testing/nexmark`, `model/Person|Auction|Bid`), times are epoch
 * ms, as `lockstep nexmark generate` writes them. The source is unkeyed: the generator's event
 * times never decrease, so one ordered substream has no late element (see README.md).
 *
 * @module
 */
import * as t from "io-ts";

/** Every Nexmark event: a person, an auction or a bid, told apart by `type`. */
export const NexmarkEvent = t.intersection([
  t.type({ type: t.keyof({ person: null, auction: null, bid: null }), dateTime: t.number, extra: t.string }),
  t.partial({
    // person and auction
    id: t.number,
    // person
    name: t.string,
    emailAddress: t.string,
    creditCard: t.string,
    city: t.string,
    state: t.string,
    // auction
    itemName: t.string,
    description: t.string,
    initialBid: t.number,
    reserve: t.number,
    expires: t.number,
    seller: t.number,
    category: t.number,
    // bid
    auction: t.number,
    bidder: t.number,
    price: t.number,
  }),
]);
/** A decoded Nexmark event. */
export type NexmarkEvent = t.TypeOf<typeof NexmarkEvent>;

/** The source every query reads. */
export const SOURCE = "events";
/** The sink every query writes. */
export const SINK = "out";
