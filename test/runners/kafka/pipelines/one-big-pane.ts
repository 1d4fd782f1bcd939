/**
 * A pipeline whose single key's state and pane hold every row: with rows of
 * 50 KB, a few dozen rows make a changelog (and sink) record over Kafka's
 * 1 MB record limit. For tests of runs that must fail cleanly.
 */
import * as t from "io-ts";
import * as L from "../../../../dsl/index.ts";

const Row = t.type({ key: t.string, ts: t.number, pad: t.string });

export default L.pipeline("one-big-pane", { version: 1 }, ({ source, sink }) =>
  L.pipe(
    source("rows", Row, { key: "key" }),
    L.withTimestamps((e) => e.field("ts")),
    L.keyBy("key"),
    L.combine({ pads: L.collect("pad") }),
    sink("out"),
  ),
);
