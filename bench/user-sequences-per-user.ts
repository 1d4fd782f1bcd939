/**
 * The flagship (`examples/user-sequences.ts`) in a form that splits by source
 * key, for the DirectRunner's `--workers` benchmark and tests: the same
 * per-user sequences of saves, clicks and long views with their item's
 * category, but the event-type rule is an expression (a dispatch runs an
 * executor, which may rewrite fields) and there is no dedupe by event id (it
 * is not the source key). So no edge needs a repartition
 * (src/engine/topology/partitioning.ts) and `--workers N` runs it on N threads.
 *
 *   lockstep run bench/user-sequences-per-user.ts --in events=… --in items=… --out sequences=… --workers 2
 *
 * @module
 */
import * as L from "lockstep";
import { Event, Item } from "../examples/user-sequences.ts";

export default L.pipeline("user-sequences-per-user", { version: 1 }, ({ source, table, sink }) =>
  L.pipe(
    source("events", Event, { key: "userId" }),
    L.withTimestamps((e) => e.field("ts")),
    // saves and clicks, views of at least a second (the flagship's dispatch and longView executor).
    L.filter((e) =>
      e
        .field("type")
        .eq("save")
        .or(e.field("type").eq("click"), e.field("type").eq("view").and(e.field("durationMs").orElse(0).gte(1000))),
    ),
    L.lookup(table("items", Item, { key: "itemId", validFrom: "updatedAt" }), { on: "itemId", take: { category: "category" } }),
    L.keyBy("userId"),
    L.sequence({ latest: 50, id: "eventId", fields: ["itemId", "type", "ts", "category"], as: "events" }),
    sink("sequences"),
  ),
);
