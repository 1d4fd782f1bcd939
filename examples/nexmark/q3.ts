/**
 * Nexmark q3, local item suggestion: who sells in OR, ID or CA in category 10, and which auctions —
 * persons ⋈ auctions on `person.id = auction.seller`, unbounded (CQL `ROWS UNBOUNDED` on both sides).
 *
 * The join is lockstep's `join` in the global window: per seller, every pair of a matching person and
 * auction, whichever arrived first — Beam's `JoinDoFn` likewise keeps auctions until their seller is
 * seen and the person for later auctions. The global window is complete at end of input, so the
 * final view is every pair (see README.md for how this differs from Beam's state expiry).
 *
 * Output: `{ name, city, state, id }` per pair (Beam's `NameCityStateId`; `id` is the auction's).
 */
import * as L from "lockstep";
import { NexmarkEvent, SINK, SOURCE } from "./events.ts";

/** The states q3 looks for. */
export const STATES = ["OR", "ID", "CA"] as const;
/** The category q3 looks for. */
export const CATEGORY = 10;

export default L.pipeline("nexmark-q3", { version: 1 }, ({ source, sink }) => {
  const events = source(SOURCE, NexmarkEvent);
  const persons = L.pipe(
    events,
    L.filter((e) =>
      e
        .field("type")
        .eq("person")
        .and(L.or(...STATES.map((s) => e.field("state").eq(s)))),
    ),
    L.map((e) => ({ sellerId: e.field("id"), name: e.field("name"), city: e.field("city"), state: e.field("state") })),
    L.keyBy("sellerId"),
    L.window(L.global()),
  );
  const auctions = L.pipe(
    events,
    L.filter((e) => e.field("type").eq("auction").and(e.field("category").eq(CATEGORY))),
    L.map((e) => ({ sellerId: e.field("seller"), id: e.field("id") })),
    L.keyBy("sellerId"),
    L.window(L.global()),
  );
  return L.pipe(
    persons,
    L.join(auctions, { as: ["person", "auction"] }),
    L.map((e) => ({
      name: e.field("person").field("name"),
      city: e.field("person").field("city"),
      state: e.field("person").field("state"),
      id: e.field("auction").field("id"),
    })),
    sink(SINK),
  );
});
