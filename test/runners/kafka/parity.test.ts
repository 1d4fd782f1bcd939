/**
 * The parity suite with the KafkaStreamRunner: DirectRunner = ArqueroBatchRunner
 * = Kafka (bounded runs on fresh topics per case, 1–4 partitions as each
 * history says, on the one test broker), for generated pipelines × histories
 * and for every example on histories from its own schemas.
 *
 * Three shapes are left out because they are known, reported divergences of
 * the Kafka runner (`src/parity/known.ts`), each kept as a failing regular
 * test in `parity-divergences.test.ts` (nothing else is excluded):
 * two-level aggregation, a join whose sides look up a table, and dead
 * letters for JSON values that are not objects.
 *
 * PARITY_KAFKA_RUNS sets the generated cases (default 36); PARITY_SEED pins
 * the seed (printed in the report on failure).
 */
import { describe, expect, inject, it } from "vitest";
import type { Pipeline } from "../../../src/plan/graph.ts";
import { checkParity, checkRecipeParity } from "../../../src/parity/harness.ts";
import { knownKafkaDivergence, knownKafkaHistoryLimits } from "../../../src/parity/known.ts";
import { recipeArb } from "../../../src/parity/pipelines.ts";
import sessions from "../../../examples/sessions.ts";
import userSequences from "../../../examples/user-sequences.ts";
import windowCount from "../../../examples/window-count.ts";
import wordcount from "../../../examples/wordcount.ts";

const RUNS = Number(process.env.PARITY_KAFKA_RUNS ?? 36);
const SEED = process.env.PARITY_SEED === undefined ? 20261122 : Number(process.env.PARITY_SEED);
const RUNNERS = ["direct", "arquero", "kafka"];

const brokers = (): string[] => {
  const b = inject("kafkaBrokers") ?? process.env.KAFKA_BROKERS;
  if (!b) throw new Error("no Kafka broker: run with `npx vitest run --project kafka …` or set KAFKA_BROKERS");
  return b.split(",");
};

// Shrinking a Kafka difference costs a run per step: keep it bounded, and a hang short.
const kafka = { timeoutMs: 30_000 };

describe("parity with Kafka", () => {
  it(`generated pipelines × histories: ${RUNNERS.join(" = ")} (${RUNS} cases)`, async () => {
    const report = await checkRecipeParity({
      runners: RUNNERS,
      runs: RUNS,
      seed: SEED,
      brokers: brokers(),
      kafka,
      shrinkRuns: 40,
      shrinkTimeLimitMs: 90_000,
      recipes: recipeArb.filter((r) => !knownKafkaDivergence(r)),
      histories: knownKafkaHistoryLimits,
    });
    expect(report.ok, report.text).toBe(true);
    expect(report.stats.late + report.stats.deadLetters, report.text).toBeGreaterThan(0);
  }, 300_000);

  const examples: [string, Pipeline<any>, Record<string, string>][] = [
    ["user-sequences", userSequences, {}],
    ["wordcount", wordcount, {}],
    ["sessions", sessions, {}],
    ["window-count sliding", windowCount, { window: "sliding:30s/5s", lateness: "2s" }],
    ["window-count session", windowCount, { window: "session:10s", lateness: "3s" }],
  ];
  for (const [name, pipeline, params] of examples) {
    it(`${name}: ${RUNNERS.join(" = ")} (3 histories)`, async () => {
      const report = await checkParity(pipeline, {
        runners: RUNNERS,
        runs: 3,
        seed: SEED,
        params,
        brokers: brokers(),
        kafka,
        shrinkRuns: 20,
        shrinkTimeLimitMs: 60_000,
        histories: knownKafkaHistoryLimits,
      });
      expect(report.ok, report.text).toBe(true);
    }, 180_000);
  }
});
