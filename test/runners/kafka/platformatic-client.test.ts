/**
 * The @platformatic/kafka client (runners/kafka/platformatic-client.ts) in the normal suite, whatever
 * LOCKSTEP_KAFKA_CLIENT says: example pipelines end to end under both guarantees give the
 * DirectRunner's results, and read_committed drops aborted transactions that the library's own
 * filter lets through (two aborts by one producer id, and an abort whose marker is past the first
 * fetch response).
 */
import { randomUUID } from "node:crypto";
import { Kafka, logLevel } from "kafkajs";
import { describe, expect, it } from "vitest";
import userSequences from "../../../examples/user-sequences.ts";
import windowCount from "../../../examples/window-count.ts";
import type { Pipeline } from "../../../src/plan/graph.ts";
import { runDirect } from "../../../runners/direct/index.ts";
import { runKafka } from "../../../runners/kafka/index.ts";
import { PlatformaticClient } from "../../../runners/kafka/platformatic-client.ts";
import { brokers, engagement, expectParity, jsonl, keyedEvents } from "./helpers.ts";

describe("the @platformatic/kafka client", () => {
  const { events, items } = engagement(41, 300);
  const cases: { name: string; pipeline: Pipeline<any>; inputs: Record<string, string> }[] = [
    { name: "window-count", pipeline: windowCount, inputs: { events: jsonl("events", keyedEvents(43, 400)) } },
    { name: "user-sequences", pipeline: userSequences, inputs: { events: jsonl("events", events), items: jsonl("items", items) } },
  ];
  for (const c of cases) {
    for (const guarantee of ["exactly-once", "at-least-once"] as const) {
      it(`${c.name}, ${guarantee}: the DirectRunner's final views, dead letters and late elements`, async () => {
        const direct = await runDirect(c.pipeline, { inputs: c.inputs });
        const kafka = await runKafka(c.pipeline, { inputs: c.inputs, brokers: brokers(), partitions: 3, guarantee, client: "platformatic" });
        expectParity(kafka, direct, `${c.name}, ${guarantee}`);
        expect(Object.values(direct.outputs).some((rows) => rows.length > 0)).toBe(true);
      });
    }
  }

  it("reads back only committed records after aborts by the same producer and an abort larger than one fetch", async () => {
    const topic = `platformatic-aborts-${randomUUID().slice(0, 8)}`;
    const client = new PlatformaticClient(brokers());
    const kafka = new Kafka({ clientId: "aborts", brokers: brokers(), logLevel: logLevel.NOTHING });
    const producer = kafka.producer({ transactionalId: `${topic}-tx`, idempotent: true, maxInFlightRequests: 1 });
    try {
      await client.createTopics([{ topic, partitions: 1 }]);
      await producer.connect();
      const txn = async (values: string[], commit: boolean) => {
        const tx = await producer.transaction();
        // Several sends: one record batch each, so the transaction spans more than one fetch response.
        for (let i = 0; i < values.length; i += 100)
          await tx.send({ topic, messages: values.slice(i, i + 100).map((value) => ({ key: "k", value, partition: 0 })) });
        await (commit ? tx.commit() : tx.abort());
      };
      const big = "x".repeat(10_000);
      await txn(["a1", "a2"], false);
      await txn(["c1"], true);
      await txn(["a3"], false);
      await txn(["c2", "c3"], true);
      // 300 records of 10 kB: 3 MB, more than the 1 MB a partition returns per fetch.
      await txn(
        Array.from({ length: 300 }, (_, i) => `${big}-${i}`),
        false,
      );
      await txn(["c4"], true);
      const all = await client.readAll(topic, undefined, { readUncommitted: true });
      expect(all.filter((m) => m.value?.startsWith("x")).length, "the aborted records are in the log").toBe(300);
      const committed = await client.readAll(topic);
      expect(committed.map((m) => m.value)).toEqual(["c1", "c2", "c3", "c4"]);
    } finally {
      await producer.disconnect().catch(() => {});
      await client.deleteTopics([topic]);
      await client.close();
    }
  });
});
