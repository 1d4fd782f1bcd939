/**
 * Nexmark queries (examples/nexmark) on the KafkaStreamRunner: bounded runs on a real broker, 3
 * partitions, give exactly the DirectRunner's final views on a generated Nexmark stream — every
 * query: stateless ones, windowed aggregates read through a repartition, joins of two branches of
 * one source, and aggregates of a global aggregate's rows (q4, q6).
 */
import { describe, expect, it } from "vitest";
import { runDirect } from "../../../runners/direct/index.ts";
import { runKafka } from "../../../runners/kafka/index.ts";
import { nexmarkConfig, nexmarkJsonLine, nexmarkEvents } from "../../../src/nexmark/index.ts";
import type { Pipeline } from "../../../src/plan/graph.ts";
import q0 from "../../../examples/nexmark/q0.ts";
import q1 from "../../../examples/nexmark/q1.ts";
import q2 from "../../../examples/nexmark/q2.ts";
import q3 from "../../../examples/nexmark/q3.ts";
import q4 from "../../../examples/nexmark/q4.ts";
import q5 from "../../../examples/nexmark/q5.ts";
import q6 from "../../../examples/nexmark/q6.ts";
import q7 from "../../../examples/nexmark/q7.ts";
import q8 from "../../../examples/nexmark/q8.ts";
import q9 from "../../../examples/nexmark/q9.ts";
import q11 from "../../../examples/nexmark/q11.ts";
import { brokers, expectParity, jsonl } from "./helpers.ts";

// 5,000 events over 25 s of event time: three q7 windows, several q11 sessions per bidder, a few q3 pairs.
const events = jsonl(
  "nexmark",
  [...nexmarkEvents(nexmarkConfig({ events: 5_000, rate: 200 }))].map((e) => nexmarkJsonLine(e)),
);

const QUERIES: [string, Pipeline<any>][] = Object.entries({ q0, q1, q2, q3, q4, q5, q6, q7, q8, q9, q11 });

describe("Nexmark on Kafka (3 partitions) = DirectRunner", () => {
  it.each(QUERIES)("%s", async (name, pipeline) => {
    const direct = await runDirect(pipeline, { inputs: { events } });
    const kafka = await runKafka(pipeline, { inputs: { events }, brokers: brokers(), partitions: 3 });
    expectParity(kafka, direct, name);
    expect(direct.outputs.out!.length, `${name}: non-empty output`).toBeGreaterThan(0);
  });
});
