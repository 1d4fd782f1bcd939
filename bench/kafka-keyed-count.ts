/**
 * The pipeline of the Kafka state benches (bench/kafka-restore.ts, bench/kafka-state-scale.ts): a
 * count and sum per user in the global window, a pane per element — one value of state per user in
 * the aggregate, and one source clock per user.
 */
import * as t from "io-ts";
import * as L from "../dsl/index.ts";

const Ev = t.type({ user: t.string, n: t.number, ts: t.number });

export default L.pipeline("bench-keyed-count", { version: 1 }, ({ source, sink }) =>
  L.pipe(
    source("in", Ev, { key: "user" }),
    L.withTimestamps((e) => e.field("ts")),
    L.keyBy("user"),
    L.window(L.global(), { trigger: { early: { every: 1 } } }),
    L.combine({ count: L.count(), total: L.sum("n") }),
    sink("out"),
  ),
);
