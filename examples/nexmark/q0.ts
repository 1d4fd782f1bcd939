/**
 * Nexmark q0, pass-through: every event, unchanged (Beam's q0 measures the cost of reading and
 * writing events; it passes persons, auctions and bids alike).
 *
 *   npx lockstep nexmark generate --events 10000 -o /tmp/nexmark.jsonl
 *   npx lockstep run examples/nexmark/q0.ts --in events=/tmp/nexmark.jsonl --out out=-
 *
 * Output: each event as read (all of its fields).
 */
import * as L from "lockstep";
import { NexmarkEvent, SINK, SOURCE } from "./events.ts";

export default L.pipeline("nexmark-q0", { version: 1 }, ({ source, sink }) => L.pipe(source(SOURCE, NexmarkEvent), sink(SINK)));
