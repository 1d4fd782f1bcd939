/**
 * The Nexmark generator's configuration and constants — Apache Beam's defaults
 * (`sdks/java/testing/nexmark`: `GeneratorConfig`, `NexmarkConfiguration`), so that the same event
 * number gives the same event here as there.
 *
 * @module
 */

/** One person, three auctions, forty-six bids in every 50 events. */
export const PROPORTION = { person: 1, auction: 3, bid: 46, denominator: 50 } as const;

/** The first ids Beam hands out. */
export const FIRST_PERSON_ID = 1000;
/** The first auction id. */
export const FIRST_AUCTION_ID = 1000;
/** The first category id; categories run `FIRST_CATEGORY_ID … FIRST_CATEGORY_ID + NUM_CATEGORIES − 1`. */
export const FIRST_CATEGORY_ID = 10;
/** Few categories, so the example queries find results on small inputs. */
export const NUM_CATEGORIES = 5;
/** Ids ahead of the last one created that a bid or auction may name (Beam's "lead"). */
export const ID_LEAD = 10;
/** Hot sellers, auctions and bidders are chosen in buckets of this size. */
export const HOT_BUCKET = 100;

/** 2015-07-15T00:00:00Z, Beam's `NexmarkUtils.BASE_TIME`, in epoch ms. */
export const BASE_TIME_MS = 1436918400000;

/** A generator configuration: Beam's `NexmarkConfiguration` fields that change the events. */
export interface NexmarkConfig {
  /** How many events (persons, auctions and bids together). */
  readonly events: number;
  /** The first event number (0 for a whole run; a split starts later). */
  readonly firstEvent: number;
  /** Beam's `numEventGenerators`: event times are `generators` periods apart. Ids and payloads do not depend on it. */
  readonly generators: number;
  /** Events per second of event time (Beam's `firstEventRate`, a constant rate here). */
  readonly rate: number;
  /** Event time of event 0, epoch ms. */
  readonly baseTime: number;
  readonly hotAuctionRatio: number;
  readonly hotSellersRatio: number;
  readonly hotBiddersRatio: number;
  readonly numActivePeople: number;
  readonly numInFlightAuctions: number;
  readonly avgPersonByteSize: number;
  readonly avgAuctionByteSize: number;
  readonly avgBidByteSize: number;
}

/** Beam's defaults, with one generator (what Beam's own query tests use) and no events. */
export const DEFAULT_CONFIG: NexmarkConfig = {
  events: 0,
  firstEvent: 0,
  generators: 1,
  rate: 10_000,
  baseTime: BASE_TIME_MS,
  hotAuctionRatio: 2,
  hotSellersRatio: 4,
  hotBiddersRatio: 4,
  numActivePeople: 1000,
  numInFlightAuctions: 100,
  avgPersonByteSize: 200,
  avgAuctionByteSize: 500,
  avgBidByteSize: 100,
};

/** The microseconds between consecutive events: Beam's `rateToPeriodUs` (rounded) times the generators. */
export function interEventDelayUs(config: NexmarkConfig): number {
  return Math.floor((1_000_000 + Math.floor(config.rate / 2)) / config.rate) * config.generators;
}

/** The event time of event number `n`, epoch ms (integer division, as Beam's `long` arithmetic). */
export function eventTimestamp(config: NexmarkConfig, n: number): number {
  return config.baseTime + Math.floor((n * interEventDelayUs(config)) / 1000);
}
