/**
 * Kafka throughput and latency: the KafkaStreamRunner against a raw kafkajs
 * consume → transform → produce pipe on the same topics, same broker, same
 * run — at-least-once and exactly-once. Throughput: N records already in the
 * topic, time until every input offset is committed. Latency: both pipes
 * running, records produced at half the slower side's maximum rate, and the
 * time from each send to its output record reaching a read_committed reader
 * (p50/p99). Uses KAFKA_BROKERS or starts the embedded broker.
 *
 *   npm run bench:kafka                # 200k messages, 10 s of latency per row
 *   npm run bench:kafka -- 50000 [latency seconds]
 */
import { randomUUID } from "node:crypto";
import { Kafka, logLevel } from "kafkajs";
import { benchMessages, handTransform, PARTITIONS, pipeline } from "./kafka-pipe.ts";
import { KafkaStreamRunner } from "../runners/kafka/runner.ts";
import { KafkajsClient } from "../runners/kafka/kafkajs-client.ts";
import { partitionFor } from "../runners/kafka/murmur2.ts";
import { startBroker } from "../scripts/kafka/broker.ts";

const N = Number(process.argv[2] ?? 200_000);
const LATENCY_SECONDS = Number(process.argv[3] ?? (N < 10_000 ? 2 : 10));
/** Records per send: a kafkajs send is never split, and the broker refuses requests over ~1 MB. */
const SEND_CHUNK = 10_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const percentile = (sorted: readonly number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;

/** A running pipe, raw or runner: where it reads and writes, and how to stop it. */
interface Pipe {
  readonly input: string;
  readonly output: string;
  stop(): Promise<void>;
}

const main = async () => {
  const broker = process.env.KAFKA_BROKERS ? { brokers: process.env.KAFKA_BROKERS, stop: async () => {} } : await startBroker();
  const brokers = broker.brokers.split(",");
  const client = new KafkajsClient(brokers);
  const kafka = new Kafka({ clientId: "bench", brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const results: string[] = [];
  const latencies: string[] = [];
  try {
    const input = `bench-in-${randomUUID().slice(0, 8)}`;
    await client.createTopics([{ topic: input, partitions: PARTITIONS }]);
    const p = await client.producer();
    const msgs = benchMessages(input, N);
    const sendAll = async (producer: Awaited<ReturnType<KafkajsClient["producer"]>>, all: typeof msgs) => {
      for (let i = 0; i < all.length; i += SEND_CHUNK) await producer.send(all.slice(i, i + SEND_CHUNK));
    };
    await sendAll(p, msgs);
    await p.close();

    /** The raw pipe reading `from` and writing a new topic, running until stopped. */
    const startRaw = async (eos: boolean, from: string): Promise<Pipe & { group: string }> => {
      const group = `raw-${randomUUID().slice(0, 8)}`;
      const out = `raw-out-${group}`;
      await client.createTopics([{ topic: out, partitions: PARTITIONS }]);
      const consumer = kafka.consumer({ groupId: group, maxWaitTimeInMs: 50, readUncommitted: false });
      const producers = new Map<number, Awaited<ReturnType<KafkajsClient["producer"]>>>();
      const plain = eos ? undefined : await client.producer();
      await consumer.connect();
      await consumer.subscribe({ topic: from, fromBeginning: true });
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
            await pr.sendInTransaction(outMsgs, group, [{ topic: from, partition: batch.partition, offset: next }]);
          } else {
            await plain!.send(outMsgs);
            await consumer.commitOffsets([{ topic: from, partition: batch.partition, offset: String(next) }]);
          }
        },
      });
      return {
        group,
        input: from,
        output: out,
        stop: async () => {
          await consumer.disconnect();
          for (const pr of producers.values()) await pr.close();
          await plain?.close();
        },
      };
    };

    /** The KafkaStreamRunner reading `<prefix>in` and writing `<prefix>out`, running until stopped. */
    const startRunner = async (eos: boolean, prefix: string): Promise<Pipe & { appId: string }> => {
      const appId = `runner-${randomUUID().slice(0, 8)}`;
      const r = new KafkaStreamRunner({
        brokers,
        appId,
        partitions: PARTITIONS,
        guarantee: eos ? "exactly-once" : "at-least-once",
        topicPrefix: prefix,
        client,
      });
      await r.start(pipeline);
      return { appId, input: `${prefix}in`, output: `${prefix}out`, stop: () => r.stop() };
    };

    const raw = async (eos: boolean): Promise<number> => {
      const t0 = performance.now();
      const pipe = await startRaw(eos, input);
      const ms = await waitCommittedFor(pipe.group, input, t0);
      await pipe.stop();
      return ms;
    };

    const runner = async (eos: boolean): Promise<number> => {
      // The runner's source "in" is the topic `<input>.in` (a copy of the same records, see below).
      const t0 = performance.now();
      const pipe = await startRunner(eos, `${input}.`);
      const ms = await waitCommittedFor(pipe.appId, pipe.input, t0);
      await pipe.stop();
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

    /**
     * End-to-end latency through a running pipe: records sent at `rate` per second for
     * LATENCY_SECONDS, in a send every 10 ms, each timed from just before its send until a
     * read_committed consumer of the output sees it. A first record, sent before timing starts,
     * waits until the pipe is up. Returns the latencies in ms, sorted.
     */
    const latency = async (start: (topic: string) => Promise<Pipe>, rate: number): Promise<{ ms: number[]; sent: number }> => {
      const prefix = `lat-${randomUUID().slice(0, 8)}.`;
      await client.createTopics([{ topic: `${prefix}in`, partitions: PARTITIONS }]);
      const pipe = await start(prefix);
      const sentAt = new Map<number, number>();
      const ms: number[] = [];
      let warm = false;
      const reader = kafka.consumer({ groupId: `${prefix}reader`, maxWaitTimeInMs: 10, readUncommitted: false });
      await reader.connect();
      await reader.subscribe({ topic: pipe.output, fromBeginning: true });
      await reader.run({
        eachBatch: async ({ batch }) => {
          const now = performance.now();
          for (const m of batch.messages) {
            const id = (JSON.parse(m.value!.toString()) as { id: number }).id;
            if (id < 0) warm = true;
            const at = sentAt.get(id);
            if (at !== undefined) {
              sentAt.delete(id); // a redelivery (at-least-once) is not a second sample
              ms.push(now - at);
            }
          }
        },
      });
      const producer = await client.producer();
      const record = (id: number) => {
        const user = `u${Math.abs(id) % 1000}`;
        return {
          topic: pipe.input,
          partition: partitionFor(JSON.stringify(user), PARTITIONS),
          key: JSON.stringify(user),
          value: JSON.stringify({ id, user, amount: 20 }),
        };
      };
      try {
        for (let i = 0; !warm; i++) {
          if (i % 100 === 0) await producer.send([record(-1 - i)]);
          if (i > 60_000 / 20) throw new Error(`latency: ${pipe.output} gave no output within 60 s`);
          await sleep(20);
        }
        const perSend = Math.max(1, Math.round(rate / 100));
        const sends = Math.round(LATENCY_SECONDS * 100);
        const t0 = performance.now();
        let id = 0;
        for (let k = 0; k < sends; k++) {
          // Paced by the clock, not by sleeps adding up: send k is due at t0 + 10·k ms.
          const due = t0 + 10 * k - performance.now();
          if (due > 0) await sleep(due);
          const batch = Array.from({ length: perSend }, () => record(id++));
          const now = performance.now();
          for (let j = id - perSend; j < id; j++) sentAt.set(j, now);
          await producer.send(batch);
        }
        for (const t1 = performance.now(); ms.length < id && performance.now() - t1 < 60_000; ) await sleep(20);
        return { ms: ms.sort((x, y) => x - y), sent: id };
      } finally {
        await producer.close();
        await reader.disconnect();
        await pipe.stop();
      }
    };

    // The runner's source topic is `<input>.in`; fill it with the same records.
    await client.createTopics([{ topic: `${input}.in`, partitions: PARTITIONS }]);
    const p2 = await client.producer();
    await sendAll(
      p2,
      msgs.map((m) => ({ ...m, topic: `${input}.in` })),
    );
    await p2.close();

    for (const eos of [false, true]) {
      const rawMs = await raw(eos);
      const runMs = await runner(eos);
      const g = eos ? "exactly-once" : "at-least-once";
      const rawRate = (N / rawMs) * 1000;
      const runRate = (N / runMs) * 1000;
      results.push(
        `| ${g} | ${N} | ${Math.round(rawRate).toLocaleString("en-US")} | ${Math.round(runRate).toLocaleString("en-US")} | ${(rawMs / runMs).toFixed(2)} |`,
      );
      // Half the slower side's maximum, the same offered rate for both.
      const rate = Math.round(Math.min(rawRate, runRate) / 2);
      const rawLat = await latency((prefix) => startRaw(eos, `${prefix}in`), rate);
      const runLat = await latency((prefix) => startRunner(eos, prefix), rate);
      const row = (who: string, l: { ms: number[]; sent: number }) =>
        `| ${g} | ${who} | ${rate.toLocaleString("en-US")} | ${l.sent} | ${l.ms.length} | ${percentile(l.ms, 0.5).toFixed(0)} | ${percentile(l.ms, 0.99).toFixed(0)} |`;
      latencies.push(row("raw kafkajs pipe", rawLat), row("KafkaStreamRunner", runLat));
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
  console.log(`\nEnd-to-end latency at half the slower side's maximum rate, ${LATENCY_SECONDS} s per row (send → visible to a read_committed reader):\n`);
  console.log("| guarantee | pipe | offered msg/s | sent | received | p50 ms | p99 ms |");
  console.log("|---|---|---:|---:|---:|---:|---:|");
  for (const r of latencies) console.log(r);
};

await main();
process.exit(0);
