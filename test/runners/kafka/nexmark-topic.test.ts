/** `lockstep nexmark generate --topic`: Beam's events straight into a Kafka topic (real broker). */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { nexmarkConfig, nexmarkEvents, nexmarkJsonLine } from "../../../src/nexmark/index.ts";
import { brokers, kafkaForTests } from "./helpers.ts";
import { cli } from "../../cli/helpers.ts";

const { client, topics } = kafkaForTests();

describe("lockstep nexmark generate --topic", () => {
  // 10,000 events are three sends of ~900 KB: the order must hold across them.
  it("produces every event, in order, to partition 0 as an unkeyed source reads them", async () => {
    const topic = `nexmark-${randomUUID().slice(0, 8)}`;
    topics.push(topic);
    const r = await cli("nexmark", "generate", "--events", "10000", "--topic", topic, "--brokers", brokers().join(","));
    expect(r.code, r.err).toBe(0);
    const messages = await client.readAll(topic);
    expect(messages.map((m) => [m.partition, m.key])).toEqual(messages.map(() => [0, null]));
    expect(messages.map((m) => m.value)).toEqual([...nexmarkEvents(nexmarkConfig({ events: 10_000 }))].map(nexmarkJsonLine));
  });

  it("refuses --topic without a broker, and with -o, exit 2", async () => {
    const saved = process.env.KAFKA_BROKERS;
    delete process.env.KAFKA_BROKERS;
    try {
      const none = await cli("nexmark", "generate", "--events", "5", "--topic", "t");
      expect(none.code).toBe(2);
      expect(none.err).toMatch(/--topic needs a running broker\. Fix: add --brokers/);
    } finally {
      if (saved !== undefined) process.env.KAFKA_BROKERS = saved;
    }
    const both = await cli("nexmark", "generate", "--events", "5", "--topic", "t", "-o", "x.jsonl", "--brokers", "127.0.0.1:1");
    expect(both.code).toBe(2);
    expect(both.err).toMatch(/--topic and -o both/);
  });
});
