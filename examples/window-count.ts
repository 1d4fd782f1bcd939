/**
 * Counts events per key and window. The window is a launch parameter:
 *
 *   npx lockstep run examples/window-count.ts --in events=examples/data/window-events.jsonl --out counts=- \
 *     --param window=sliding:30s/5s --param lateness=5s
 *
 * `window` is `global`, `fixed:10s`, `sliding:30s/5s` or `session:10m`; `lateness` a duration.
 */
import * as t from "io-ts";
import * as L from "lockstep";

/** A keyed event at time `ts` (ms). */
export const KeyedEvent = t.type({ key: t.string, ts: t.number });

export default L.pipeline("window-count", { version: 1, params: { window: "fixed:10s", lateness: "0s" } }, ({ source, sink, param }) =>
  L.pipe(
    source("events", KeyedEvent, { key: "key" }),
    L.withTimestamps((e) => e.field("ts")),
    L.keyBy("key"),
    L.window(L.parseWindowSpec(param("window")), { allowedLateness: param("lateness") }),
    L.combine({ count: L.count() }),
    sink("counts"),
  ),
);
