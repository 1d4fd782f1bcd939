/**
 * Backfill meeting streaming (issue 10 §2, docs/semantics.md §17): a DirectRunner run over a
 * history up to a random cut (store snapshot + checkpoint), then the Kafka runner over the rest
 * from the checkpoint, its sink topics materialized on top, serves key for key what one
 * DirectRunner run over the whole history gives. On the real test broker, with a real store.
 *
 * HANDOFF_RUNS sets the generated cases (default 12; `npm run parity:long` runs more); PARITY_SEED
 * pins the seed.
 */
import { afterAll, describe, expect, it } from "vitest";
import { makeKafkaClient } from "../../../runners/kafka/client-choice.ts";
import { checkHandoff } from "../../../src/parity/handoff.ts";
import { brokers } from "./helpers.ts";

const RUNS = Number(process.env.HANDOFF_RUNS ?? 12);
const SEED = process.env.PARITY_SEED === undefined ? 20261203 : Number(process.env.PARITY_SEED);
const client = makeKafkaClient(undefined, brokers());
afterAll(() => client.close());

describe("backfill meeting streaming", () => {
  it(`generated pipelines × histories × random cuts: batch(prefix) + Kafka(suffix from checkpoint) = Direct(whole) (${RUNS} cases)`, async () => {
    const report = await checkHandoff({ runs: RUNS, seed: SEED, brokers: brokers(), client });
    expect(report.ok, report.text).toBe(true);
    // The cases exercised what the handoff is about: state carried over the cut, keys present on
    // both sides of it, elements after it judged late against clocks from before it.
    const { outcomes } = report;
    expect(outcomes.some((o) => o.checkpoint.stores.some((s) => s.entries.length > 0))).toBe(true);
    expect(outcomes.some((o) => o.streamed > 0)).toBe(true);
    expect(
      outcomes.some((o) => o.carried > 0),
      report.text,
    ).toBe(true);
    expect(
      outcomes.some((o) => o.lateAfterCut > 0),
      report.text,
    ).toBe(true);
  }, 300_000);
});
