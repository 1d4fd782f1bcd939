/**
 * Kafka throughput: the KafkaStreamRunner against a raw kafkajs
 * consume → transform → produce pipe on the same topics, same broker, same
 * run — at-least-once and exactly-once. Uses KAFKA_BROKERS or starts the
 * embedded broker.
 *
 *   npm run bench:kafka                # 200k messages
 *   npm run bench:kafka -- 50000
 */
import * as t from "io-ts";
import { randomUUID } from "node:crypto";
import { Kafka, logLevel } from "kafkajs";
import * as L from "../dsl/index.ts";
import { KafkaStreamRunner } from "../runners/kafka/runner.ts";
import { KafkajsClient } from "../runners/kafka/kafkajs-client.ts";
import { partitionFor } from "../runners/kafka/murmur2.ts";
import { startBroker } from "../scripts/kafka/broker.ts";

const N = Number(process.argv[2] ?? 200_000);
const PARTITIONS = 3;
const Ev = t.type({ id: t.number, user: t.string, amount: t.number });

/** The pipeline both sides implement: parse, keep amount > 10, reshape, write. */
const pipeline = L.pipeline("bench-pipe", { version: 1 }, ({ source, sink }) =>
  L.pipe(
    source("in", Ev, { key: "user" }),
    L.filter((e) => e.field("amount").gt(10)),
    L.map((e) => ({ id: e.field("id"), user: e.field("user"), cents: e.field("amount").mul(100) })),
    sink("out"),
  ),
);
const handTransform = (v: string): string | undefined => {
  const e = JSON.parse(v) as { id: number; user: string; amount: number };
  return e.amount > 10 ? JSON.stringify({ cents: e.amount * 100, id: e.id, user: e.user }) : undefined;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const main = async () => {
  const broker = process.env.KAFKA_BROKERS ? { brokers: process.env.KAFKA_BROKERS, stop: async () => {} } : await startBroker();
  const brokers = broker.brokers.split(",");
  const client = new KafkajsClient(brokers);
  const kafka = new Kafka({ clientId: "bench", brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const results: string[] = [];
  try {
    const input = `bench-in-${randomUUID().slice(0, 8)}`;
    await client.createTopics([{ topic: input, partitions: PARTITIONS }]);
    const p = await client.producer();
    const msgs = Array.from({ length: N }, (_, i) => {
      const user = `u${i % 1000}`;
      return {
        topic: input,
        partition: partitionFor(JSON.stringify(user), PARTITIONS),
        key: JSON.stringify(user),
        value: JSON.stringify({ id: i, user, amount: (i * 7) % 50 }),
      };
    });
    await p.send(msgs);
    await p.close();

    /** Waits until `group` has committed every input offset; returns elapsed ms. */
    const waitCommitted = async (group: string, t0: number): Promise<number> => {
      const ends = await client.endOffsets(input);
      for (;;) {
        const c = await client.committedOffsets(group, input);
        if (ends.every((e, i) => (c[i] ?? -1) >= e)) return performance.now() - t0;
        await sleep(20);
      }
    };

    const raw = async (eos: boolean): Promise<number> => {
      const group = `raw-${randomUUID().slice(0, 8)}`;
      const out = `raw-out-${group}`;
      await client.createTopics([{ topic: out, partitions: PARTITIONS }]);
      const consumer = kafka.consumer({ groupId: group, maxWaitTimeInMs: 50, readUncommitted: false });
      const producers = new Map<number, Awaited<ReturnType<KafkajsClient["producer"]>>>();
      const plain = eos ? undefined : await client.producer();
      await consumer.connect();
      await consumer.subscribe({ topic: input, fromBeginning: true });
      const t0 = performance.now();
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          const outMsgs = [];
          for (const m of batch.messages) {
            const v = handTransform(m.value!.toString());
            if (v !== undefined) outMsgs.push({ topic: out, partition: batch.partition, key: m.key!.toString(), value: v });
          }
          const next = Number(batch.lastOffset()) + 1;
          if (eos) {
            let pr = producers.get(batch.partition);
            if (!pr) producers.set(batch.partition, (pr = await client.producer({ transactionalId: `${group}-${batch.partition}` })));
            await pr.sendInTransaction(outMsgs, group, [{ topic: input, partition: batch.partition, offset: next }]);
          } else {
            await plain!.send(outMsgs);
            await consumer.commitOffsets([{ topic: input, partition: batch.partition, offset: String(next) }]);
          }
        },
      });
      const ms = await waitCommitted(group, t0);
      await consumer.disconnect();
      for (const pr of producers.values()) await pr.close();
      await plain?.close();
      return ms;
    };

    const runner = async (eos: boolean): Promise<number> => {
      const appId = `runner-${randomUUID().slice(0, 8)}`;
      // The runner's source "in" is the topic `<input>.in` (a copy of the same records, see below).
      const r = new KafkaStreamRunner({
        brokers,
        appId,
        partitions: PARTITIONS,
        guarantee: eos ? "exactly-once" : "at-least-once",
        topicPrefix: `${input}.`,
        client,
      });
      const t0 = performance.now();
      await r.start(pipeline);
      const ms = await waitCommittedFor(appId, `${input}.in`, t0);
      await r.stop();
      return ms;
    };

    const waitCommittedFor = async (group: string, topic: string, t0: number): Promise<number> => {
      const ends = await client.endOffsets(topic);
      for (;;) {
        const c = await client.committedOffsets(group, topic);
        if (ends.every((e, i) => (c[i] ?? -1) >= e)) return performance.now() - t0;
        await sleep(20);
      }
    };

    // The runner's source topic is `<input>.in`; fill it with the same records.
    await client.createTopics([{ topic: `${input}.in`, partitions: PARTITIONS }]);
    const p2 = await client.producer();
    await p2.send(msgs.map((m) => ({ ...m, topic: `${input}.in` })));
    await p2.close();

    for (const eos of [false, true]) {
      const rawMs = await raw(eos);
      const runMs = await runner(eos);
      const g = eos ? "exactly-once" : "at-least-once";
      results.push(
        `| ${g} | ${N} | ${Math.round((N / rawMs) * 1000).toLocaleString("en-US")} | ${Math.round((N / runMs) * 1000).toLocaleString("en-US")} | ${(rawMs / runMs).toFixed(2)} |`,
      );
    }
  } finally {
    await admin.disconnect();
    await client.close();
    await broker.stop();
  }
  console.log(`node ${process.version}, ${new Date().toISOString()}, ${PARTITIONS} partitions, broker on this machine`);
  console.log("| guarantee | messages | raw kafkajs pipe msg/s | KafkaStreamRunner msg/s | runner / raw |");
  console.log("|---|---:|---:|---:|---:|");
  for (const r of results) console.log(r);
};

await main();
process.exit(0);
