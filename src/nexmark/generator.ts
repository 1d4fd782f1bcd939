/**
 * The Nexmark event stream: event number `n` → one event, seeded by its event id, so any range of the
 * stream can be made on its own (a split, a worker, a Kafka partition) and still be Beam's.
 *
 * @module
 */
import { DEFAULT_CONFIG, type NexmarkConfig, PROPORTION, eventTimestamp } from "./config.ts";
import { type NexmarkEvent, nextAuction, nextBid, nextPerson } from "./events.ts";
import { JavaRandom } from "./java-random.ts";

/** A full configuration from Beam's defaults and the fields given; refuses what Beam would not run. */
export function nexmarkConfig(overrides: Partial<NexmarkConfig> = {}): NexmarkConfig {
  const config = { ...DEFAULT_CONFIG, ...overrides };
  for (const [name, min] of [
    ["events", 0],
    ["firstEvent", 0],
    ["generators", 1],
    ["rate", 1],
  ] as const) {
    const value = config[name];
    if (!Number.isSafeInteger(value) || value < min) throw new RangeError(`nexmark: ${name} must be an integer ≥ ${min}, got ${String(value)}`);
  }
  return config;
}

/**
 * The `n`-th event of a generator (0-based, counted from `config.firstEvent`). Beam seeds a fresh
 * `java.util.Random` with the event id for every event; with Beam's default out-of-order group size
 * of 1 the event id is the event number.
 */
export function nexmarkEvent(config: NexmarkConfig, n: number): NexmarkEvent {
  const e = config.firstEvent + n;
  const random = new JavaRandom(e);
  const time = eventTimestamp(config, e);
  const rem = e % PROPORTION.denominator;
  if (rem < PROPORTION.person) return nextPerson(e, random, time, config);
  if (rem < PROPORTION.person + PROPORTION.auction) return nextAuction(e, n, random, time, config);
  return nextBid(e, random, time, config);
}

/** All `config.events` events in order. */
export function* nexmarkEvents(config: NexmarkConfig): Generator<NexmarkEvent> {
  for (let n = 0; n < config.events; n++) yield nexmarkEvent(config, n);
}
