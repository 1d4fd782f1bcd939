// A pipeline that splits by source key (no keyed stage after its executor): `--workers 2` runs it on
// two threads, which load the executor from this module themselves.
import * as L from "lockstep";
import { Click, notBot } from "./pipeline.ts";

export default L.pipeline("clicks-not-bots", { version: 1 }, ({ source, sink }) =>
  L.pipe(source("clicks", Click, { key: "user" }), L.apply(notBot), sink("rows")),
);
