// Plain Node, no TypeScript anywhere: the compiled package's entry points.
import * as t from "io-ts";
import * as L from "lockstep";
import { runDirect } from "lockstep/direct";
import { runArquero } from "lockstep/arquero";
import { checkParity } from "lockstep/parity";
import { parsePlan } from "lockstep/plan";

const Row = t.type({ k: t.string, v: t.number });
const pipeline = L.pipeline("sums", { version: 1 }, ({ source, sink }) =>
  L.pipe(source("rows", Row), L.keyBy("k"), L.combine({ total: L.sum("v"), n: L.count() }), sink("totals")),
);
const rows = [
  { k: "a", v: 1 },
  { k: "b", v: 2 },
  { k: "a", v: 3 },
  { k: "a", v: 0.5 },
];
const direct = await runDirect(pipeline, { inputs: { rows } });
const arquero = await runArquero(pipeline, { inputs: { rows } });
const parity = await checkParity(pipeline, { runners: ["direct", "arquero"], runs: 10, seed: 7 });
const plan = parsePlan(L.planToJson(L.compile(pipeline)));
console.log(JSON.stringify({ direct: direct.outputs.totals, arquero: arquero.outputs.totals, parity: parity.ok, stages: plan.nodes.length }));
