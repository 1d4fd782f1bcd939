// Type-checked by the consumer's own tsc under its strictest settings (tsconfig.json here):
// lockstep's published declarations must hold under them, and types must flow as documented.
import type * as t from "io-ts";
import * as L from "lockstep";
import { runDirect, type RunResult } from "lockstep/direct";
import { runArquero } from "lockstep/arquero";
import { checkParity, type ParityReport } from "lockstep/parity";
import type { Plan } from "lockstep/plan";
import pipeline, { Click } from "./pipeline.ts";

const plan: Plan = L.compile(pipeline);
const clicks: t.TypeOf<typeof Click>[] = [{ user: "ann", page: "/a", ts: 1 }];
export const direct: Promise<RunResult> = runDirect(plan, { inputs: { clicks } });
export const arquero: Promise<RunResult> = runArquero(pipeline, { inputs: { clicks } });
export const parity: Promise<ParityReport> = checkParity(pipeline, { runners: ["direct", "arquero"], runs: 5 });

export const typed = L.pipeline("typed", { version: 1 }, ({ source, sink }) =>
  L.pipe(
    source("clicks", Click),
    // @ts-expect-error — "usr" is not a field of Click: the compiler catches it.
    L.keyBy("usr"),
    sink("out"),
  ),
);
