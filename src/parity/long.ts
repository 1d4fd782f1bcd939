/**
 * `npm run parity:long`: the parity suite at night-and-release scale.
 *
 *   npm run parity:long                                # defaults below, random seed
 *   PARITY_RUNS=20000 PARITY_SEED=7 npm run parity:long
 *   PARITY_KAFKA_RUNS=0 PARITY_HANDOFF_RUNS=0 npm run parity:long   # without Kafka
 *
 * - generated pipelines × histories, Direct = Direct with another
 *   interleaving of source keys = Arquero: PARITY_RUNS (default 5000), and
 *   a fifth as many with long histories (up to 200 records per source);
 * - every example on histories from its own schemas, same runners:
 *   PARITY_EXAMPLE_RUNS each (default 1000);
 * - generated pipelines × histories with Kafka: PARITY_KAFKA_RUNS (default
 *   300; the broker in KAFKA_BROKERS, else an embedded one), skipping the
 *   known divergences of `known.ts`;
 * - backfill meeting streaming (`handoff.ts`): a DirectRunner run up to a
 *   random cut, the Kafka runner from its checkpoint after it, the store
 *   between them = Direct over everything: PARITY_HANDOFF_RUNS (default 100),
 *   and a fifth as many with long histories.
 *
 * Prints one line per suite, and the full report of any difference (seed
 * and path included). Exit 0 when every suite has parity, 1 otherwise.
 *
 * @module
 */
import type { Pipeline } from "../plan/graph.ts";
import { withBrokers } from "../../runners/kafka/brokers.ts";
import { KafkajsClient } from "../../runners/kafka/kafkajs-client.ts";
import { checkHandoff } from "./handoff.ts";
import { checkParity, checkRecipeParity } from "./harness.ts";
import type { ParityReport } from "./harness.ts";
import { knownKafkaDivergence, knownKafkaHistoryLimits } from "./known.ts";
import { recipeArb } from "./pipelines.ts";

const num = (name: string, dflt: number): number => {
  const v = process.env[name];
  if (v === undefined || v === "") return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name}=${v}: expected a whole number ≥ 0`);
  return n;
};

const RUNS = num("PARITY_RUNS", 5000);
const EXAMPLE_RUNS = num("PARITY_EXAMPLE_RUNS", 1000);
const KAFKA_RUNS = num("PARITY_KAFKA_RUNS", 300);
const HANDOFF_RUNS = num("PARITY_HANDOFF_RUNS", 100);
const SEED = process.env.PARITY_SEED ? num("PARITY_SEED", 0) : (Date.now() ^ Math.floor(Math.random() * 0x7fffffff)) | 0;
const RUNNERS = ["direct", "direct-reordered", "arquero"];
const log = (l: string) => void process.stderr.write(`  ${l}\n`);

const reports: [string, Pick<ParityReport, "ok" | "text">][] = [];
const record = (name: string, r: Pick<ParityReport, "ok" | "text">) => {
  reports.push([name, r]);
  process.stdout.write(`${r.ok ? "ok  " : "FAIL"} ${name}: ${r.ok ? r.text : r.text.split("\n")[0]}\n`);
};

process.stdout.write(`parity:long — seed ${SEED}\n`);

if (RUNS > 0) {
  record("generated pipelines", await checkRecipeParity({ runners: RUNNERS, runs: RUNS, seed: SEED, log }));
  // Longer histories: more keys per window, more session merges, more late data.
  record(
    "generated pipelines, long histories",
    await checkRecipeParity({ runners: RUNNERS, runs: Math.ceil(RUNS / 5), seed: SEED, histories: { maxRecords: 200, size: "large" }, log }),
  );
}

if (EXAMPLE_RUNS > 0) {
  const examples: [string, string, Record<string, string>][] = [
    ["user-sequences", "../../examples/user-sequences.ts", {}],
    ["wordcount", "../../examples/wordcount.ts", {}],
    ["sessions", "../../examples/sessions.ts", {}],
    ["window-count global", "../../examples/window-count.ts", { window: "global" }],
    ["window-count fixed", "../../examples/window-count.ts", { window: "fixed:10s", lateness: "5s" }],
    ["window-count sliding", "../../examples/window-count.ts", { window: "sliding:30s/5s", lateness: "2s" }],
    ["window-count session", "../../examples/window-count.ts", { window: "session:10s", lateness: "3s" }],
  ];
  for (const [name, path, params] of examples) {
    const pipeline = ((await import(path)) as { default: Pipeline }).default;
    record(`example ${name}`, await checkParity(pipeline, { runners: RUNNERS, runs: EXAMPLE_RUNS, seed: SEED, params, name: path.replace("../../", "") }));
  }
}

if (KAFKA_RUNS > 0) {
  await withBrokers(
    undefined,
    (s) => void process.stderr.write(s),
    false,
    async (brokers) => {
      record(
        "generated pipelines with kafka",
        await checkRecipeParity({
          runners: ["direct", "arquero", "kafka"],
          runs: KAFKA_RUNS,
          seed: SEED,
          brokers,
          kafka: { timeoutMs: 30_000 },
          shrinkRuns: 60,
          recipes: recipeArb.filter((r) => !knownKafkaDivergence(r)),
          histories: knownKafkaHistoryLimits,
          log,
        }),
      );
    },
  );
}

if (HANDOFF_RUNS > 0) {
  await withBrokers(
    undefined,
    (s) => void process.stderr.write(s),
    false,
    async (brokers) => {
      const client = new KafkajsClient(brokers);
      try {
        record("backfill + streaming from a checkpoint = direct", await checkHandoff({ runs: HANDOFF_RUNS, seed: SEED, brokers, client }));
        record(
          "backfill + streaming from a checkpoint = direct, long histories",
          await checkHandoff({
            runs: Math.ceil(HANDOFF_RUNS / 5),
            seed: SEED,
            brokers,
            client,
            histories: { maxRecords: 200, size: "large", extremes: false },
          }),
        );
      } finally {
        await client.close();
      }
    },
  );
}

const failed = reports.filter(([, r]) => !r.ok);
for (const [name, r] of failed) process.stdout.write(`\n=== ${name} ===\n${r.text}\n`);
process.stdout.write(`\nparity:long: ${reports.length - failed.length}/${reports.length} suites have parity (seed ${SEED})\n`);
process.exitCode = failed.length > 0 ? 1 : 0;
