/**
 * Person and auction ids by event number — Beam's `lastBase0PersonId`, `nextBase0PersonId`,
 * `lastBase0AuctionId`, `nextBase0AuctionId`. "Base 0" ids; the first id constants are added by the
 * callers. Bids and auctions name people and auctions a little ahead of the last one created (the
 * "lead"), as Beam does, so a join sees some records before the record they refer to.
 *
 * @module
 */
import { ID_LEAD, type NexmarkConfig, PROPORTION } from "./config.ts";
import type { JavaRandom } from "./java-random.ts";

const { person: P, auction: A, denominator: D } = PROPORTION;

/** The last person id created at or before event `e` (the current one if `e` makes a person). */
export function lastPersonId0(e: number): number {
  const epoch = Math.floor(e / D);
  const offset = Math.min(e % D, P - 1);
  return epoch * P + offset;
}

/** The last auction id created at or before event `e`. */
export function lastAuctionId0(e: number): number {
  let epoch = Math.floor(e / D);
  let offset = e % D;
  if (offset < P) {
    epoch -= 1; // a person: the last auction of the previous epoch
    offset = A - 1;
  } else if (offset >= P + A) offset = A - 1;
  else offset -= P;
  return epoch * A + offset;
}

/** A random person among the active ones, plus a few not created yet. */
export function nextPersonId0(e: number, random: JavaRandom, config: NexmarkConfig): number {
  const people = lastPersonId0(e) + 1;
  const active = Math.min(people, config.numActivePeople);
  return people - active + nextLong(random, active + ID_LEAD);
}

/** A random auction among those likely still open, plus a few not created yet. */
export function nextAuctionId0(e: number, random: JavaRandom, config: NexmarkConfig): number {
  const max = lastAuctionId0(e);
  const min = Math.max(max - config.numInFlightAuctions, 0);
  return min + nextLong(random, max - min + 1 + ID_LEAD);
}

/**
 * Beam's `LongGenerator.nextLong(random, n)`: `nextInt(n)` below `Integer.MAX_VALUE`. Larger bounds
 * would take Java's `nextLong()`, which no default configuration reaches; refuse rather than drift.
 */
export function nextLong(random: JavaRandom, n: number): number {
  if (n < 2147483647) return random.nextIntBelow(n);
  throw new RangeError(`nexmark: a random bound of ${n} needs Java's nextLong(), which is not implemented`);
}
