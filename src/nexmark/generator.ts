/**
 * The Nexmark event stream: event number `n` → one event, seeded by its event id, so any range of the
 * stream can be made on its own (a split, a worker, a Kafka partition) and still be Beam's.
 *
 * @module
 */
import { DEFAULT_CONFIG, type NexmarkConfig } from "./config.ts";
import { EventFields, drawEvent, lineBytesBound } from "./draw.ts";
import { type NexmarkEvent, eventOf } from "./events.ts";

/** Reused by every call: drawing is synchronous, so one set of fields and one scratch line serve the whole process. */
const FIELDS = new EventFields();
let scratch = Buffer.alloc(4096);

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
  const room = lineBytesBound(config);
  if (scratch.length < room) scratch = Buffer.alloc(room);
  drawEvent(config, n, FIELDS, scratch, 0);
  return eventOf(FIELDS, scratch);
}

/** All `config.events` events in order. */
export function* nexmarkEvents(config: NexmarkConfig): Generator<NexmarkEvent> {
  for (let n = 0; n < config.events; n++) yield nexmarkEvent(config, n);
}
