/**
 * A straightforward Nexmark generator for tests to compare the fast one against: Beam's
 * `PersonGenerator`, `AuctionGenerator`, `BidGenerator` and `StringsGenerator` written the plain way
 * (objects, strings built a character at a time, `JSON.stringify` for the line), as the generator was
 * before it drew events straight into bytes. It shares only what the fast path did not change and
 * other tests check against Beam and the JDK: `JavaRandom` (java-random.test.ts), the id arithmetic
 * and the configuration (golden.test.ts).
 */
import { FIRST_AUCTION_ID, FIRST_CATEGORY_ID, FIRST_PERSON_ID, HOT_BUCKET, NUM_CATEGORIES, PROPORTION, eventTimestamp } from "../../src/nexmark/config.ts";
import { lastAuctionId0, lastPersonId0, nextAuctionId0, nextLong, nextPersonId0 } from "../../src/nexmark/ids.ts";
import { JavaRandom, type NexmarkConfig, type NexmarkEvent } from "../../src/nexmark/index.ts";

const STATES = ["AZ", "CA", "ID", "OR", "WA", "WY"];
const CITIES = ["Phoenix", "Los Angeles", "San Francisco", "Boise", "Portland", "Bend", "Redmond", "Seattle", "Kent", "Cheyenne"];
const FIRST_NAMES = ["Peter", "Paul", "Luke", "John", "Saul", "Vicky", "Kate", "Julie", "Sarah", "Deiter", "Walter"];
const LAST_NAMES = ["Shultz", "Abrams", "Spencer", "White", "Bartels", "Walton", "Smith", "Jones", "Noris"];

const pick = (random: JavaRandom, xs: string[]): string => xs[random.nextIntBelow(xs.length)] as string;
const price = (random: JavaRandom): number => Math.round(10 ** (random.nextDouble() * 6) * 100);

function nextString(random: JavaRandom, maxLength: number): string {
  const len = 3 + random.nextIntBelow(maxLength - 3);
  const codes: number[] = [];
  for (let i = 0; i < len; i++) codes.push(random.nextIntBelow(13) === 0 ? 32 : 97 + random.nextIntBelow(26));
  return String.fromCharCode(...codes).trim();
}

function nextExactString(random: JavaRandom, length: number): string {
  const codes: number[] = [];
  let rnd = 0;
  for (let i = 0; i < length; i++) {
    if (i % 6 === 0) rnd = random.nextInt();
    codes.push(97 + (rnd % 26)); // Java's signed remainder, as JS's
    rnd = Math.trunc(rnd / 26);
  }
  return String.fromCharCode(...codes);
}

function nextExtra(random: JavaRandom, currentSize: number, averageSize: number): string {
  if (currentSize > averageSize) return "";
  const wanted = averageSize - currentSize;
  const delta = Math.round(wanted * 0.2);
  return nextExactString(random, wanted - delta + (delta === 0 ? 0 : random.nextIntBelow(2 * delta)));
}

/** The `n`-th event of `config`, the plain way. */
export function referenceEvent(config: NexmarkConfig, n: number): NexmarkEvent {
  const e = config.firstEvent + n;
  const random = new JavaRandom(e);
  const dateTime = eventTimestamp(config, e);
  const rem = e % PROPORTION.denominator;
  if (rem < PROPORTION.person) {
    const id = lastPersonId0(e) + FIRST_PERSON_ID;
    const name = `${pick(random, FIRST_NAMES)} ${pick(random, LAST_NAMES)}`;
    const emailAddress = `${nextString(random, 7)}@${nextString(random, 5)}.com`;
    const creditCard = [0, 1, 2, 3].map(() => String(random.nextIntBelow(10000)).padStart(4, "0")).join(" ");
    const city = pick(random, CITIES);
    const state = pick(random, STATES);
    const extra = nextExtra(random, 8 + name.length + emailAddress.length + creditCard.length + city.length + state.length, config.avgPersonByteSize);
    return { type: "person", id, name, emailAddress, creditCard, city, state, dateTime, extra };
  }
  if (rem < PROPORTION.person + PROPORTION.auction) {
    const id = lastAuctionId0(e) + FIRST_AUCTION_ID;
    const hotSeller = random.nextIntBelow(config.hotSellersRatio) > 0;
    const seller = (hotSeller ? Math.floor(lastPersonId0(e) / HOT_BUCKET) * HOT_BUCKET : nextPersonId0(e, random, config)) + FIRST_PERSON_ID;
    const category = FIRST_CATEGORY_ID + random.nextIntBelow(NUM_CATEGORIES);
    const initialBid = price(random);
    const eventsForAuctions = Math.floor((config.numInFlightAuctions * PROPORTION.denominator) / PROPORTION.auction);
    const horizon = eventTimestamp(config, config.firstEvent + n + eventsForAuctions) - dateTime;
    const expires = dateTime + 1 + nextLong(random, Math.max(horizon * 2, 1));
    const itemName = nextString(random, 20);
    const description = nextString(random, 100);
    const reserve = initialBid + price(random);
    const extra = nextExtra(random, 8 + itemName.length + description.length + 40, config.avgAuctionByteSize);
    return { type: "auction", id, itemName, description, initialBid, reserve, dateTime, expires, seller, category, extra };
  }
  const hotAuction = random.nextIntBelow(config.hotAuctionRatio) > 0;
  const auction = (hotAuction ? Math.floor(lastAuctionId0(e) / HOT_BUCKET) * HOT_BUCKET : nextAuctionId0(e, random, config)) + FIRST_AUCTION_ID;
  const hotBidder = random.nextIntBelow(config.hotBiddersRatio) > 0;
  const bidder = (hotBidder ? Math.floor(lastPersonId0(e) / HOT_BUCKET) * HOT_BUCKET + 1 : nextPersonId0(e, random, config)) + FIRST_PERSON_ID;
  const bidPrice = price(random);
  const extra = nextExtra(random, 32, config.avgBidByteSize);
  return { type: "bid", auction, bidder, price: bidPrice, dateTime, extra };
}

/** The JSON lines file of `config`, the plain way: `JSON.stringify` of each event, one a line. */
export function referenceJsonl(config: NexmarkConfig): string {
  const lines: string[] = [];
  for (let n = 0; n < config.events; n++) lines.push(`${JSON.stringify(referenceEvent(config, n))}\n`);
  return lines.join("");
}
