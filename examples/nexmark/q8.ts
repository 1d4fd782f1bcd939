/**
 * Nexmark q8, monitor new users: the people who opened an auction in the same fixed 10 s window in
 * which they were created — persons ⋈ auctions on `person.id = auction.seller`, per window.
 *
 * Beam's `CoGroupByKey` on both sides windowed alike is lockstep's windowed inner `join`: per seller
 * and window, one row per pair of the person and an auction of theirs.
 *
 * Output: `{ id, name, reserve }` per person and auction in one window (Beam's `IdNameReserve`).
 */
import * as L from "lockstep";
import { NexmarkEvent, SINK, SOURCE } from "./events.ts";

/** Beam's `windowSizeSec`. */
export const WINDOW = "10s";

export default L.pipeline("nexmark-q8", { version: 1 }, ({ source, sink }) => {
  const events = L.pipe(
    source(SOURCE, NexmarkEvent),
    L.withTimestamps((e) => e.field("dateTime")),
  );
  const persons = L.pipe(
    events,
    L.filter((e) => e.field("type").eq("person")),
    L.map((e) => ({ sellerId: e.field("id"), name: e.field("name") })),
    L.keyBy("sellerId"),
    L.window(L.fixed(WINDOW)),
  );
  const auctions = L.pipe(
    events,
    L.filter((e) => e.field("type").eq("auction")),
    L.map((e) => ({ sellerId: e.field("seller"), reserve: e.field("reserve") })),
    L.keyBy("sellerId"),
    L.window(L.fixed(WINDOW)),
  );
  return L.pipe(
    persons,
    L.join(auctions, { as: ["person", "auction"] }),
    L.map((e) => ({ id: e.field("sellerId"), name: e.field("person").field("name"), reserve: e.field("auction").field("reserve") })),
    sink(SINK),
  );
});
