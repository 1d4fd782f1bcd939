/**
 * The three Nexmark event types, made from one seeded `JavaRandom` per event in exactly the order of
 * Beam's `PersonGenerator`, `AuctionGenerator` and `BidGenerator` — the order of the draws is what
 * makes the output Beam's. Field names are Beam's; times are epoch ms.
 *
 * @module
 */
import { FIRST_AUCTION_ID, FIRST_CATEGORY_ID, FIRST_PERSON_ID, HOT_BUCKET, NUM_CATEGORIES, type NexmarkConfig, PROPORTION, eventTimestamp } from "./config.ts";
import { lastAuctionId0, lastPersonId0, nextAuctionId0, nextLong, nextPersonId0 } from "./ids.ts";
import type { JavaRandom } from "./java-random.ts";
import { nextExtra, nextString } from "./strings.ts";

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

const STATES = ["AZ", "CA", "ID", "OR", "WA", "WY"];
const CITIES = ["Phoenix", "Los Angeles", "San Francisco", "Boise", "Portland", "Bend", "Redmond", "Seattle", "Kent", "Cheyenne"];
const FIRST_NAMES = ["Peter", "Paul", "Luke", "John", "Saul", "Vicky", "Kate", "Julie", "Sarah", "Deiter", "Walter"];
const LAST_NAMES = ["Shultz", "Abrams", "Spencer", "White", "Bartels", "Walton", "Smith", "Jones", "Noris"];

/** A price in cents, log-uniform from $0.01 to $10,000 (`PriceGenerator.nextPrice`). */
function nextPrice(random: JavaRandom): number {
  return Math.round(10 ** (random.nextDouble() * 6) * 100);
}

function pad4(n: number): string {
  return n < 10 ? `000${n}` : n < 100 ? `00${n}` : n < 1000 ? `0${n}` : `${n}`;
}

/** Beam's `nextPerson` for event id `e` at `time`. */
export function nextPerson(e: number, random: JavaRandom, time: number, config: NexmarkConfig): Person {
  const id = lastPersonId0(e) + FIRST_PERSON_ID;
  const name = `${FIRST_NAMES[random.nextIntBelow(FIRST_NAMES.length)]} ${LAST_NAMES[random.nextIntBelow(LAST_NAMES.length)]}`;
  const emailAddress = `${nextString(random, 7)}@${nextString(random, 5)}.com`;
  const creditCard = [0, 1, 2, 3].map(() => pad4(random.nextIntBelow(10000))).join(" ");
  const city = CITIES[random.nextIntBelow(CITIES.length)] as string;
  const state = STATES[random.nextIntBelow(STATES.length)] as string;
  const size = 8 + name.length + emailAddress.length + creditCard.length + city.length + state.length;
  const extra = nextExtra(random, size, config.avgPersonByteSize);
  return { type: "person", id, name, emailAddress, creditCard, city, state, dateTime: time, extra };
}

/**
 * Beam's `nextAuction` for event id `e`, the `n`-th event of this generator, at `time`. The auction's
 * length averages twice the time until `numInFlightAuctions` more auctions exist.
 */
export function nextAuction(e: number, n: number, random: JavaRandom, time: number, config: NexmarkConfig): Auction {
  const id = lastAuctionId0(e) + FIRST_AUCTION_ID;
  const hotSeller = random.nextIntBelow(config.hotSellersRatio) > 0;
  const seller = (hotSeller ? Math.floor(lastPersonId0(e) / HOT_BUCKET) * HOT_BUCKET : nextPersonId0(e, random, config)) + FIRST_PERSON_ID;
  const category = FIRST_CATEGORY_ID + random.nextIntBelow(NUM_CATEGORIES);
  const initialBid = nextPrice(random);
  const eventsForAuctions = Math.floor((config.numInFlightAuctions * PROPORTION.denominator) / PROPORTION.auction);
  const horizon = eventTimestamp(config, config.firstEvent + n + eventsForAuctions) - time;
  const expires = time + 1 + nextLong(random, Math.max(horizon * 2, 1));
  const itemName = nextString(random, 20);
  const description = nextString(random, 100);
  const reserve = initialBid + nextPrice(random);
  const size = 8 + itemName.length + description.length + 40;
  const extra = nextExtra(random, size, config.avgAuctionByteSize);
  return { type: "auction", id, itemName, description, initialBid, reserve, dateTime: time, expires, seller, category, extra };
}

/** Beam's `nextBid` for event id `e` at `time`: mostly hot auctions and hot bidders. */
export function nextBid(e: number, random: JavaRandom, time: number, config: NexmarkConfig): Bid {
  const hotAuction = random.nextIntBelow(config.hotAuctionRatio) > 0;
  const auction = (hotAuction ? Math.floor(lastAuctionId0(e) / HOT_BUCKET) * HOT_BUCKET : nextAuctionId0(e, random, config)) + FIRST_AUCTION_ID;
  const hotBidder = random.nextIntBelow(config.hotBiddersRatio) > 0;
  // The second person of the bucket, so hot bidders and hot sellers differ.
  const bidder = (hotBidder ? Math.floor(lastPersonId0(e) / HOT_BUCKET) * HOT_BUCKET + 1 : nextPersonId0(e, random, config)) + FIRST_PERSON_ID;
  const price = nextPrice(random);
  const extra = nextExtra(random, 32, config.avgBidByteSize);
  return { type: "bid", auction, bidder, price, dateTime: time, extra };
}
