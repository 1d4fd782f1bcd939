// A user's own pipeline, in the consumer app the smoke test installs lockstep into.
import * as t from "io-ts";
import * as L from "lockstep";

export const Click = t.type({ user: t.string, page: t.string, ts: t.number });

/** Business logic lives in executors: named, versioned, no IO. */
export const notBot = L.executor("notBot", 1, { filter: (e: t.TypeOf<typeof Click>) => !e.user.startsWith("bot") });

export default L.pipeline("clicks-per-user", { version: 1 }, ({ source, sink }) =>
  L.pipe(
    source("clicks", Click, { key: "user" }),
    L.withTimestamps((e) => e.field("ts")),
    L.apply(notBot),
    L.keyBy("user"),
    L.combine({ clicks: L.count(), pages: L.countDistinct("page") }),
    sink("counts"),
  ),
);
