/**
 * One Nexmark event drawn straight into its JSON line: the single implementation of Beam's formulas
 * (`PersonGenerator`, `AuctionGenerator`, `BidGenerator`), with one `java.util.Random` seeded per event
 * and the draws in exactly Beam's order — the order is what makes the output Beam's.
 *
 * Why one pass: every string field is drawn in the order the JSON line lists it, and every number
 * that comes between two strings in the line has been drawn before the second one, so the characters
 * can go straight to the output with the JSON punctuation around them. A file of millions of events
 * then allocates no object or string per event. The object API (events.ts) draws into a scratch line
 * and reads the fields back from the numbers and string spans recorded here, so objects and lines are
 * always the same events.
 *
 * JSON escaping: no string field can hold `"` or a control character (names, cities and states are
 * fixed words, `nextString` draws letters and spaces, credit cards are digits and spaces); only `extra`
 * can hold a backslash (strings.ts), so only `extra` is escaped, and only the backslash.
 *
 * @module
 */
import { FIRST_AUCTION_ID, FIRST_CATEGORY_ID, FIRST_PERSON_ID, HOT_BUCKET, NUM_CATEGORIES, type NexmarkConfig, PROPORTION, eventTimestamp } from "./config.ts";
import { lastAuctionId0, lastPersonId0, nextAuctionId0, nextLong, nextPersonId0 } from "./ids.ts";
import { JavaRandom } from "./java-random.ts";
import { fixedText, maxExtraLength, putBytes, putExtra, putFixed, putPad4, putString, putUint, setFixedDigits } from "./strings.ts";

/** Which of the three event types the fields hold. */
export const PERSON = 0;
/** An auction. */
export const AUCTION = 1;
/** A bid. */
export const BID = 2;

/**
 * Where each string field sits in the line: field `i` spans `spans[2i] … spans[2i+1]` of the output.
 * Person: name, emailAddress, creditCard, city, state, extra. Auction: itemName, description, extra.
 * Bid: extra. `extra` is as written, escaped.
 */
export const S = {
  name: 0,
  emailAddress: 1,
  creditCard: 2,
  city: 3,
  state: 4,
  personExtra: 5,
  itemName: 0,
  description: 1,
  auctionExtra: 2,
  bidExtra: 0,
} as const;

/** The numbers and string spans of the last event drawn. Only the fields of `kind` are meaningful. */
export class EventFields {
  kind = PERSON;
  /** Person or auction id. */
  id = 0;
  dateTime = 0;
  initialBid = 0;
  reserve = 0;
  expires = 0;
  seller = 0;
  category = 0;
  auction = 0;
  bidder = 0;
  price = 0;
  readonly spans = new Int32Array(12);
  /** Reseeded for every event: Beam makes a fresh `Random(eventId)`, which `setSeed` equals. */
  readonly random = new JavaRandom(0);
  /** The output last drawn into, and a view of it for writing a word at a time. */
  out: Uint8Array = new Uint8Array(0);
  view = new DataView(this.out.buffer);
  /** `dateTime`'s digits (consecutive events mostly share it: ten per millisecond at Beam's rate), and the time they are of. */
  readonly time = new Int32Array(6);
  timeOf = -1;
}

/** Points `f` at `out` (a new chunk of the file, say). */
function bind(f: EventFields, out: Uint8Array): void {
  f.out = out;
  f.view = new DataView(out.buffer, out.byteOffset, out.byteLength);
}

/** Writes `f.dateTime`, its digits made once per distinct time. */
function putTime(f: EventFields, view: DataView, pos: number): number {
  if (f.timeOf !== f.dateTime) {
    setFixedDigits(f.time, f.dateTime);
    f.timeOf = f.dateTime;
  }
  return putFixed(view, pos, f.time);
}

const ascii = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, "latin1"));
const text = fixedText;
const STATES = ["AZ", "CA", "ID", "OR", "WA", "WY"].map(ascii);
const CITIES = ["Phoenix", "Los Angeles", "San Francisco", "Boise", "Portland", "Bend", "Redmond", "Seattle", "Kent", "Cheyenne"].map(ascii);
const FIRST_NAMES = ["Peter", "Paul", "Luke", "John", "Saul", "Vicky", "Kate", "Julie", "Sarah", "Deiter", "Walter"].map(ascii);
const LAST_NAMES = ["Shultz", "Abrams", "Spencer", "White", "Bartels", "Walton", "Smith", "Jones", "Noris"].map(ascii);
const SPACE = 32;
const AT_BYTE = 64;
const DOT_COM = ascii(".com");

// The JSON around the fields, Beam's names in Beam's order.
const PERSON_ID = text('{"type":"person","id":');
const NAME = text(',"name":"');
const EMAIL = text('","emailAddress":"');
const CARD = text('","creditCard":"');
const CITY = text('","city":"');
const STATE = text('","state":"');
const PERSON_TIME = text('","dateTime":');
const EXTRA = text(',"extra":"');
const AUCTION_ID = text('{"type":"auction","id":');
const ITEM = text(',"itemName":"');
const DESCRIPTION = text('","description":"');
const INITIAL_BID = text('","initialBid":');
const RESERVE = text(',"reserve":');
const TIME = text(',"dateTime":');
const EXPIRES = text(',"expires":');
const SELLER = text(',"seller":');
const CATEGORY = text(',"category":');
const BID_AUCTION = text('{"type":"bid","auction":');
const BIDDER = text(',"bidder":');
const PRICE = text(',"price":');
const END = text('"}\n');

/**
 * The most bytes one line of `config` can take: reserve this much before {@link drawEvent}. 512 covers
 * the fixed JSON, every number and the non-`extra` strings (an auction's are < 120 characters), and
 * the up to 3 bytes a word-at-a-time write goes past the end; `extra` is at most doubled by escaping.
 */
export function lineBytesBound(config: NexmarkConfig): number {
  const avg = Math.max(config.avgPersonByteSize, config.avgAuctionByteSize, config.avgBidByteSize, 0);
  return 512 + 2 * maxExtraLength(avg);
}

/** A price in cents, log-uniform from $0.01 to $10,000 (`PriceGenerator.nextPrice`). */
function nextPrice(random: JavaRandom): number {
  return Math.round(10 ** (random.nextDouble() * 6) * 100);
}

/** Beam's `nextPerson` for event id `e`. */
function drawPerson(f: EventFields, e: number, config: NexmarkConfig, out: Uint8Array, pos: number): number {
  const { random, spans, view } = f;
  f.kind = PERSON;
  f.id = lastPersonId0(e) + FIRST_PERSON_ID;
  pos = putFixed(view, putUint(out, putFixed(view, pos, PERSON_ID), f.id), NAME);
  spans[0] = pos;
  pos = putBytes(out, pos, FIRST_NAMES[random.nextIntBelow(FIRST_NAMES.length)] as Uint8Array);
  out[pos++] = SPACE;
  pos = putBytes(out, pos, LAST_NAMES[random.nextIntBelow(LAST_NAMES.length)] as Uint8Array);
  spans[1] = pos;
  pos = putFixed(view, pos, EMAIL);
  spans[2] = pos;
  pos = putString(random, out, pos, 7);
  out[pos++] = AT_BYTE;
  pos = putBytes(out, putString(random, out, pos, 5), DOT_COM);
  spans[3] = pos;
  pos = putFixed(view, pos, CARD);
  spans[4] = pos;
  for (let i = 0; i < 4; i++) {
    if (i > 0) out[pos++] = SPACE;
    pos = putPad4(out, pos, random.nextIntBelow(10000));
  }
  spans[5] = pos;
  pos = putFixed(view, pos, CITY);
  spans[6] = pos;
  pos = putBytes(out, pos, CITIES[random.nextIntBelow(CITIES.length)] as Uint8Array);
  spans[7] = pos;
  pos = putFixed(view, pos, STATE);
  spans[8] = pos;
  pos = putBytes(out, pos, STATES[random.nextIntBelow(STATES.length)] as Uint8Array);
  spans[9] = pos;
  const size = 8 + (spans[1] - spans[0]) + (spans[3] - spans[2]) + (spans[5] - spans[4]) + (spans[7] - spans[6]) + (spans[9] - spans[8]);
  pos = putFixed(view, putTime(f, view, putFixed(view, pos, PERSON_TIME)), EXTRA);
  spans[10] = pos;
  pos = putExtra(random, out, view, pos, size, config.avgPersonByteSize);
  spans[11] = pos;
  return putFixed(view, pos, END);
}

/**
 * Beam's `nextAuction` for event id `e`, the `n`-th event of this generator. The auction's length
 * averages twice the time until `numInFlightAuctions` more auctions exist.
 */
function drawAuction(f: EventFields, e: number, n: number, config: NexmarkConfig, out: Uint8Array, pos: number): number {
  const { random, spans, view } = f;
  const time = f.dateTime;
  f.kind = AUCTION;
  f.id = lastAuctionId0(e) + FIRST_AUCTION_ID;
  const hotSeller = random.nextIntBelow(config.hotSellersRatio) > 0;
  f.seller = (hotSeller ? Math.floor(lastPersonId0(e) / HOT_BUCKET) * HOT_BUCKET : nextPersonId0(e, random, config)) + FIRST_PERSON_ID;
  f.category = FIRST_CATEGORY_ID + random.nextIntBelow(NUM_CATEGORIES);
  f.initialBid = nextPrice(random);
  const eventsForAuctions = Math.floor((config.numInFlightAuctions * PROPORTION.denominator) / PROPORTION.auction);
  const horizon = eventTimestamp(config, config.firstEvent + n + eventsForAuctions) - time;
  f.expires = time + 1 + nextLong(random, Math.max(horizon * 2, 1));
  pos = putFixed(view, putUint(out, putFixed(view, pos, AUCTION_ID), f.id), ITEM);
  spans[0] = pos;
  pos = putString(random, out, pos, 20);
  spans[1] = pos;
  pos = putFixed(view, pos, DESCRIPTION);
  spans[2] = pos;
  pos = putString(random, out, pos, 100);
  spans[3] = pos;
  const size = 8 + (spans[1] - spans[0]) + (spans[3] - spans[2]) + 40;
  f.reserve = f.initialBid + nextPrice(random);
  pos = putUint(out, putFixed(view, pos, INITIAL_BID), f.initialBid);
  pos = putUint(out, putFixed(view, pos, RESERVE), f.reserve);
  pos = putTime(f, view, putFixed(view, pos, TIME));
  pos = putUint(out, putFixed(view, pos, EXPIRES), f.expires);
  pos = putUint(out, putFixed(view, pos, SELLER), f.seller);
  pos = putFixed(view, putUint(out, putFixed(view, pos, CATEGORY), f.category), EXTRA);
  spans[4] = pos;
  pos = putExtra(random, out, view, pos, size, config.avgAuctionByteSize);
  spans[5] = pos;
  return putFixed(view, pos, END);
}

/** Beam's `nextBid` for event id `e`: mostly hot auctions and hot bidders. */
function drawBid(f: EventFields, e: number, config: NexmarkConfig, out: Uint8Array, pos: number): number {
  const { random, spans, view } = f;
  f.kind = BID;
  const hotAuction = random.nextIntBelow(config.hotAuctionRatio) > 0;
  f.auction = (hotAuction ? Math.floor(lastAuctionId0(e) / HOT_BUCKET) * HOT_BUCKET : nextAuctionId0(e, random, config)) + FIRST_AUCTION_ID;
  const hotBidder = random.nextIntBelow(config.hotBiddersRatio) > 0;
  // The second person of the bucket, so hot bidders and hot sellers differ.
  f.bidder = (hotBidder ? Math.floor(lastPersonId0(e) / HOT_BUCKET) * HOT_BUCKET + 1 : nextPersonId0(e, random, config)) + FIRST_PERSON_ID;
  f.price = nextPrice(random);
  pos = putUint(out, putFixed(view, pos, BID_AUCTION), f.auction);
  pos = putUint(out, putFixed(view, pos, BIDDER), f.bidder);
  pos = putUint(out, putFixed(view, pos, PRICE), f.price);
  pos = putFixed(view, putTime(f, view, putFixed(view, pos, TIME)), EXTRA);
  spans[0] = pos;
  pos = putExtra(random, out, view, pos, 32, config.avgBidByteSize);
  spans[1] = pos;
  return putFixed(view, pos, END);
}

/**
 * Draws the `n`-th event of a generator (0-based, counted from `config.firstEvent`) into `f` and its
 * JSON line, with `\n`, into `out` at `pos`; returns the position after the line. `out` must have
 * {@link lineBytesBound} bytes free at `pos`. Beam seeds a fresh `java.util.Random` with the event
 * id for every event; with Beam's default out-of-order group size of 1 the event id is the event number.
 */
export function drawEvent(config: NexmarkConfig, n: number, f: EventFields, out: Uint8Array, pos: number): number {
  const e = config.firstEvent + n;
  if (f.out !== out) bind(f, out);
  f.random.setSeed(e);
  f.dateTime = eventTimestamp(config, e);
  const rem = e % PROPORTION.denominator;
  if (rem < PROPORTION.person) return drawPerson(f, e, config, out, pos);
  if (rem < PROPORTION.person + PROPORTION.auction) return drawAuction(f, e, n, config, out, pos);
  return drawBid(f, e, config, out, pos);
}
