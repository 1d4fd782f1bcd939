/**
 * Per-user sessions: activity separated by 30 minutes of quiet, with several
 * aggregates per session.
 *
 *   npx lockstep run examples/sessions.ts --in clicks=examples/data/clicks.jsonl --out sessions=-
 */
import * as t from "io-ts";
import * as L from "lockstep";

/** A click on a page, with the time spent there. */
export const Click = t.type({ userId: t.string, page: t.string, ts: t.number, dwellMs: t.number });

export default L.pipeline("sessions", { version: 1, params: { gap: "30m", lateness: "10m" } }, ({ source, sink, param }) =>
  L.pipe(
    source("clicks", Click, { key: "userId" }),
    L.withTimestamps((e) => e.field("ts")),
    L.keyBy("userId"),
    L.window(L.session(param("gap")), { allowedLateness: param("lateness") }),
    L.combine({
      clicks: L.count(),
      pages: L.countDistinct("page"),
      dwellMs: L.sum("dwellMs"),
      meanDwellMs: L.mean("dwellMs"),
      longestDwellMs: L.max("dwellMs"),
      firstPage: L.first("page"),
      lastPage: L.last("page"),
    }),
    sink("sessions"),
  ),
);
