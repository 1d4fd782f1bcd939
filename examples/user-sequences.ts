/**
 * The flagship: per-user sequences of recent engagement, as Pinterest keeps
 * them for ranking models — the same definition for training backfills and
 * for serving.
 *
 * Per event type: saves and clicks are kept, views only when they lasted at
 * least a second, hides are dropped. Events are deduplicated by id, enriched
 * with the item's category as of the event's time (point-in-time), and each
 * user's 50 latest events are kept, newest first.
 *
 *   npx lockstep run examples/user-sequences.ts \
 *     --in events=examples/data/events.jsonl --in items=examples/data/items.jsonl --out sequences=-
 */
import * as t from "io-ts";
import * as L from "lockstep";

/** A user's engagement with an item. */
export const Event = t.intersection([
  t.type({
    eventId: t.string,
    userId: t.string,
    itemId: t.string,
    type: t.keyof({ save: null, click: null, view: null, hide: null }),
    ts: t.number,
  }),
  t.partial({ durationMs: t.number }),
]);
export type Event = t.TypeOf<typeof Event>;

/** One version of an item's metadata, valid from `updatedAt`. */
export const Item = t.type({ itemId: t.string, category: t.string, updatedAt: t.number });

/**
 * What a request for a user's sequence may ask (`lockstep serve`): at most
 * `limit` engagements, without the event types in `hide`.
 *
 *   curl 'http://127.0.0.1:8080/v1/sequences/u1?limit=10&hide=["view"]'
 */
export const SequenceRequest = t.partial({ limit: t.number, hide: t.array(t.string) });

/** Views count only when the user looked for at least a second. */
export const longView = L.executor("longView", 1, {
  filter: (e: Event) => (e.durationMs ?? 0) >= 1000,
});

export default L.pipeline("user-sequences", { version: 1 }, ({ source, table, sink }) =>
  L.pipe(
    source("events", Event, { key: "userId" }),
    L.withTimestamps((e) => e.field("ts")),
    L.dispatch("type", { save: L.keep, click: L.keep, view: longView, hide: L.drop }),
    L.dedupe("eventId"),
    L.lookup(table("items", Item, { key: "itemId", validFrom: "updatedAt" }), { on: "itemId", take: { category: "category" } }),
    L.keyBy("userId"),
    L.sequence({ latest: 50, id: "eventId", fields: ["itemId", "type", "ts", "category"], as: "events" }),
    sink("sequences", {
      serve: L.serve(SequenceRequest, (q) => [
        L.serving.filterItems("events", (item) => q.params.field("hide").orElse([]).contains(item.field("type")).not()),
        L.serving.limit("events", q.params.field("limit")),
      ]),
    }),
  ),
);
