/**
 * The Nexmark benchmark's event generator, bit for bit Apache Beam's Java generator
 * (`sdks/java/testing/nexmark`): persons, auctions and bids from a `java.util.Random` seeded per event.
 *
 * @module
 */
export { BASE_TIME_MS, DEFAULT_CONFIG, type NexmarkConfig, eventTimestamp } from "./config.ts";
export type { Auction, Bid, NexmarkEvent, Person } from "./events.ts";
export { nexmarkConfig, nexmarkEvent, nexmarkEvents } from "./generator.ts";
export { JavaRandom } from "./java-random.ts";
export { type WriteOptions, nexmarkJsonLine, writeNexmarkFile, writeNexmarkJsonl } from "./jsonl.ts";
