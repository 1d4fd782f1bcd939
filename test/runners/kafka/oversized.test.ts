/**
 * Records too large for Kafka never stall a partition (issue 13, defects 1
 * and 2). A dead letter always fits: its payload is bounded by the shared
 * rule (`boundDeadLetter`), so a 400 KB non-JSON record — ~2.4 MB once its
 * control bytes are JSON-escaped — is dead-lettered with its size and hash and
 * the records after it are processed. An output record Kafka can never store
 * fails the run with a clear message instead of being retried forever.
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import * as t from "io-ts";
import * as L from "../../../dsl/index.ts";
import { runDirect } from "../../../runners/direct/index.ts";
import { KafkaStreamRunner, runKafka } from "../../../runners/kafka/index.ts";
import windowCount from "../../../examples/window-count.ts";
import { DEAD_LETTER_PAYLOAD_BYTES } from "../../../src/engine/dead-letter.ts";
import { appTopics, brokers, expectParity, freshApp, jsonl, kafkaForTests, produce, sinkView, waitUntil } from "./helpers.ts";

const { client, topics } = kafkaForTests();

const poison = "\u0001".repeat(400 * 1024);
const poisonHash = createHash("sha256").update(Buffer.from(poison)).digest("hex");

describe("a record whose dead letter would be too large for the broker", () => {
  it("follow mode: is dead-lettered with its size and hash, and the partition goes on (window-count, one partition)", async () => {
    const app = freshApp("poison");
    topics.push(...appTopics(windowCount, app));
    const runner = new KafkaStreamRunner({ brokers: brokers(), ...app, idleMs: 0 });
    await runner.start(windowCount);
    try {
      // All three on one partition (the same key), in this order.
      await produce(client, `${app.topicPrefix}events`, 3, [{ key: "a", ts: 1000 }, poison, { key: "a", ts: 20_000 }], () => '"a"');
      await waitUntil(
        "the dead letter is written and the window [0, 10 s) fires",
        async () => {
          if (runner.error() !== undefined) throw runner.error();
          return (await client.readAll(`${app.appId}.dead-letters`)).length === 1 && (await sinkView(client, `${app.topicPrefix}counts`)).length === 1;
        },
        90_000,
      );
      const [dead] = (await client.readAll(`${app.appId}.dead-letters`)).map((m) => JSON.parse(m.value!) as Record<string, unknown>);
      expect(dead).toMatchObject({ source: "events", stage: "events", truncated: { bytes: poison.length, sha256: poisonHash } });
      expect(dead!.raw).toBe(poison.slice(0, DEAD_LETTER_PAYLOAD_BYTES));
      expect(await sinkView(client, `${app.topicPrefix}counts`)).toEqual([{ key: "a", windowStart: 0, windowEnd: 10_000, count: 1 }]);
      // Every record is committed: nothing left to read.
      await waitUntil("the lag is 0", async () => (await client.committedOffsets(app.appId, `${app.topicPrefix}events`)).reduce((a, b) => a + Math.max(b, 0), 0) === 3, 30_000);
    } finally {
      await runner.stop();
    }
  });

  it("bounded: the same dead letter as the DirectRunner", async () => {
    const events = jsonl("poison", [{ key: "a", ts: 1000 }, poison, { key: "a", ts: 20_000 }]);
    const direct = await runDirect(windowCount, { inputs: { events } });
    const kafka = await runKafka(windowCount, { inputs: { events }, brokers: brokers(), partitions: 3 });
    expectParity(kafka, direct, "a 400 KB non-JSON line");
    expect(kafka.deadLetters).toHaveLength(1);
    expect(kafka.deadLetters[0]!.truncated).toEqual({ bytes: poison.length, sha256: poisonHash });
  });
});

describe("an output record Kafka can never store", () => {
  // One key's state holds every row of the input: ~1.5 MB in one changelog record (and, at the end, one sink record).
  const Row = t.type({ key: t.string, ts: t.number, pad: t.string });
  const everything = L.pipeline("one-big-pane", {}, ({ source, sink }) =>
    L.pipe(source("rows", Row, { key: "key" }), L.withTimestamps((e) => e.field("ts")), L.keyBy("key"), L.combine({ pads: L.collect("pad") }), sink("out")),
  );
  const rows = Array.from({ length: 30 }, (_, i) => ({ key: "k", ts: i, pad: "x".repeat(50_000) }));

  it("fails the bounded run with a message naming the topic and the limit, and the run returns", async () => {
    const run = runKafka(everything, { inputs: { rows: jsonl("big-pane", rows) }, brokers: brokers(), partitions: 3 });
    await expect(run).rejects.toThrow(/a record for topic \S+ \(partition \d\) is \d+ bytes, over the 1000000-byte limit/);
  });

  it("fails the follow-mode runner (its error) instead of retrying forever", async () => {
    const app = freshApp("big-pane");
    topics.push(...appTopics(everything, app));
    const runner = new KafkaStreamRunner({ brokers: brokers(), ...app, idleMs: 0 });
    await runner.start(everything);
    try {
      await produce(client, `${app.topicPrefix}rows`, 3, rows, ["key"]);
      await waitUntil("the runner fails", () => runner.error() !== undefined, 90_000);
      expect(String(runner.error())).toMatch(/over the 1000000-byte limit of one Kafka record/);
    } finally {
      await runner.stop();
    }
  });
});
