/**
 * Backfill meeting streaming (issue 10 §2, docs/semantics.md §17): a DirectRunner run over a
 * history up to a random cut (store snapshot + checkpoint), then the Kafka runner over the rest
 * from the checkpoint, its sink topics materialized on top, serves key for key what one
 * DirectRunner run over the whole history gives. On the real test broker, with a real store.
 *
 * HANDOFF_RUNS sets the generated cases (default 12); PARITY_SEED pins the seed.
 */
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { KafkajsClient } from "../../../runners/kafka/kafkajs-client.ts";
import { checkHandoffCase, handoffCaseArb } from "../../../src/parity/handoff.ts";
import type { HandoffOutcome } from "../../../src/parity/handoff.ts";
import { brokers } from "./helpers.ts";

const RUNS = Number(process.env.HANDOFF_RUNS ?? 12);
const SEED = process.env.PARITY_SEED === undefined ? 20261203 : Number(process.env.PARITY_SEED);
const client = new KafkajsClient(brokers());
afterAll(() => client.close());

describe("backfill meeting streaming", () => {
  it(`generated pipelines × histories × random cuts: batch(prefix) + Kafka(suffix from checkpoint) = Direct(whole) (${RUNS} cases)`, async () => {
    const outcomes: HandoffOutcome[] = [];
    await fc.assert(
      fc.asyncProperty(handoffCaseArb(), async (c) => {
        const log = process.env.HANDOFF_STATS
          ? (e: Record<string, unknown>) => void (/fail|abort|partial/.test(String(e.event)) && console.log("LOG", JSON.stringify(e)))
          : undefined;
        const out = await checkHandoffCase(c, { brokers: brokers(), client, ...(log ? { log } : {}) });
        outcomes.push(out);
        if (process.env.HANDOFF_STATS)
          console.log(
            "STAT",
            JSON.stringify({
              t: c.recipe?.terminal.kind,
              keys: out.keys,
              streamed: out.streamed,
              carried: out.carried,
              late: out.lateAfterCut,
              entries: out.checkpoint.stores.map((s) => s.stage + ":" + s.entries.length).join(","),
              cut: c.cut,
              p: c.history.partitions,
            }),
          );
        expect(out.diffs, `recipe ${JSON.stringify(c.recipe)}\ncut ${JSON.stringify(c.cut)}\nhistory ${JSON.stringify(c.history)}`).toEqual([]);
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    // The cases exercised what the handoff is about: state carried over, keys written after the cut.
    expect(outcomes.some((o) => o.checkpoint.stores.some((s) => s.entries.length > 0))).toBe(true);
    expect(outcomes.some((o) => o.streamed > 0)).toBe(true);
    expect(outcomes.some((o) => o.carried > 0)).toBe(true);
    expect(outcomes.some((o) => o.lateAfterCut > 0)).toBe(true);
  }, 300_000);
});
