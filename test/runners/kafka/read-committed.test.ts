/**
 * Reading a topic back under read_committed (final views, dead letters,
 * changelog restores) never misses a record committed before the read
 * started. kafkajs' admin lists offsets under READ_COMMITTED, which answers the
 * last stable offset: right after a commit returns, before the transaction's
 * markers are written, that offset is still below the transaction's records,
 * so a reader that stops there returns a short read (issue 13, defect 10: a
 * bounded run once wrote an empty final view and exited 0).
 */
import { randomUUID } from "node:crypto";
import { Kafka, logLevel } from "kafkajs";
import { describe, expect, it } from "vitest";
import windowCount from "../../../examples/window-count.ts";
import type { KafkaClient } from "../../../runners/kafka/client.ts";
import { runKafka } from "../../../runners/kafka/index.ts";
import { brokers, jsonl, kafkaForTests } from "./helpers.ts";

const { client, topics } = kafkaForTests();

describe("reading a topic back under read_committed", () => {
  it("returns every record of transactions committed just before the read, read after read", async () => {
    const topic = `read-after-commit-${randomUUID().slice(0, 8)}`;
    topics.push(topic);
    await client.createTopics([{ topic, partitions: 3 }]);
    const producer = await client.producer({ transactionalId: `${topic}-tx` });
    try {
      let total = 0;
      const short: string[] = [];
      for (let i = 0; i < 40; i++) {
        await producer.sendInTransaction(
          [0, 1, 2].map((partition) => ({ topic, partition, key: `k${partition}`, value: JSON.stringify({ i, partition }) })),
          `${topic}-group`,
          [],
        );
        total += 3;
        const got = await client.readAll(topic);
        if (got.length !== total) short.push(`read ${i}: ${got.length} of ${total}`);
      }
      expect(short).toEqual([]);
    } finally {
      await producer.close();
    }
  });

  it("waits for a transaction open when the read starts, and returns its records once it commits", async () => {
    const topic = `read-open-tx-${randomUUID().slice(0, 8)}`;
    topics.push(topic);
    await client.createTopics([{ topic, partitions: 1 }]);
    const kafka = new Kafka({ clientId: "read-committed-test", brokers: brokers(), logLevel: logLevel.NOTHING });
    const producer = kafka.producer({ transactionalId: `${topic}-tx`, idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      const before = await producer.transaction();
      await before.send({ topic, messages: [{ partition: 0, key: "a", value: "committed-before" }] });
      await before.commit();
      const open = await producer.transaction();
      await open.send({ topic, messages: [{ partition: 0, key: "a", value: "committed-during" }] });
      // The read starts while the transaction is open (its record is below the high watermark).
      const reading = client.readAll(topic);
      await open.commit();
      const got = await reading;
      expect(got.map((m) => m.value)).toEqual(["committed-before", "committed-during"]);
    } finally {
      await producer.disconnect();
    }
  });
});

/**
 * A real client whose reads of one topic lose their last record, as a reader
 * that stops early would: the run must notice, not report a short view.
 */
class ShortSinkReads implements KafkaClient {
  constructor(
    private readonly inner: KafkaClient,
    private readonly sink: string,
  ) {}
  createTopics: KafkaClient["createTopics"] = (s) => this.inner.createTopics(s);
  deleteTopics: KafkaClient["deleteTopics"] = (t) => this.inner.deleteTopics(t);
  endOffsets: KafkaClient["endOffsets"] = (t) => this.inner.endOffsets(t);
  committedOffsets: KafkaClient["committedOffsets"] = (g, t) => this.inner.committedOffsets(g, t);
  groupConsumer: KafkaClient["groupConsumer"] = (g, t, h, o) => this.inner.groupConsumer(g, t, h, o);
  producer: KafkaClient["producer"] = (o) => this.inner.producer(o);
  close: KafkaClient["close"] = () => this.inner.close();
  readAll: KafkaClient["readAll"] = async (t, p, o) => {
    const all = await this.inner.readAll(t, p, o);
    return t.endsWith(`.${this.sink}`) ? all.slice(0, -1) : all;
  };
}

describe("a bounded run checks what it reads back", () => {
  it("fails, naming the topic, when a sink topic reads back fewer records than its tasks committed", async () => {
    const events = jsonl("events", [
      { key: "a", ts: 1000 },
      { key: "b", ts: 2000 },
      { key: "a", ts: 12_000 },
      { key: "b", ts: 25_000 },
    ]);
    await expect(
      runKafka(windowCount, { inputs: { events }, brokers: brokers(), partitions: 3, client: new ShortSinkReads(client, "counts") }),
    ).rejects.toThrow(/reading back topic .*counts returned fewer records than the run committed/);
    // The same run through the plain client is whole.
    const ok = await runKafka(windowCount, { inputs: { events }, brokers: brokers(), partitions: 3, client });
    expect(ok.outputs.counts).toHaveLength(4);
  });
});
