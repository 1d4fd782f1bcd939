/**
 * Freshness of `lockstep materialize`: the time from a committed sink record (the producer's commit
 * returned) until a reader of the view store sees it — next to a raw kafkajs read_committed consumer
 * seeing the same record, in the same run (Kafka's own delivery latency, the floor).
 * Uses KAFKA_BROKERS or starts the embedded broker.
 *
 *   npx tsx bench/materialize.ts          # 300 commits
 *   npx tsx bench/materialize.ts 1000
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Kafka, logLevel } from "kafkajs";
import windowCount from "../examples/window-count.ts";
import { KafkajsClient } from "../runners/kafka/kafkajs-client.ts";
import { startMaterializer } from "../runners/kafka/materializer.ts";
import { startBroker } from "../scripts/kafka/broker.ts";
import { canonicalJson } from "../src/core/canonical.ts";
import { compile } from "../src/plan/compile.ts";
import { openViewStore } from "../src/store/index.ts";

const N = Number(process.argv[2] ?? 300);
const KEYS = 50;
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? Number.NaN;

const main = async () => {
  const broker = process.env.KAFKA_BROKERS ? { brokers: process.env.KAFKA_BROKERS, stop: async () => {} } : await startBroker();
  const brokers = broker.brokers.split(",");
  const prefix = `bench-mat-${randomUUID().slice(0, 8)}.`;
  const topic = `${prefix}counts`;
  const client = new KafkajsClient(brokers);
  const dir = mkdtempSync(join(tmpdir(), "lockstep-bench-store-"));
  const plan = compile(windowCount, {});
  await client.createTopics([{ topic, partitions: 3 }]);
  const store = openViewStore(dir, { definition: { name: plan.name, version: plan.version, hash: plan.hash } });
  const m = await startMaterializer({ client, plan, store, topicPrefix: prefix });
  const kafka = new Kafka({ brokers, logLevel: logLevel.NOTHING });
  // The floor: a plain read_committed consumer noting when it sees each count.
  const seenRaw = new Map<number, number>();
  const raw = kafka.consumer({ groupId: `${prefix}raw`, readUncommitted: false, maxWaitTimeInMs: 100 });
  await raw.connect();
  await raw.subscribe({ topic, fromBeginning: true });
  await raw.run({ eachMessage: async ({ message }) => void seenRaw.set((JSON.parse(String(message.value)) as { count: number }).count, performance.now()) });
  const tx = kafka.producer({ transactionalId: `${prefix}writer`, maxInFlightRequests: 1, idempotent: true });
  await tx.connect();
  const lag: number[] = [];
  const rawLag: number[] = [];
  const reader = openViewStore(dir, { readOnly: true });
  for (let i = 0; i < N; i++) {
    const key = { key: `k${i % KEYS}`, windowStart: 0, windowEnd: 10_000 };
    const t = await tx.transaction();
    await t.send({ topic, messages: [{ key: JSON.stringify(key), value: JSON.stringify({ ...key, count: i }) }] });
    await t.commit();
    const committed = performance.now();
    const want = canonicalJson([{ ...key, count: i }]); // the store keeps rows as canonical JSON
    const deadline = committed + 30_000;
    while (reader.getText("counts", key) !== want) {
      if (performance.now() > deadline) throw new Error(`count ${i} not visible in the store after 30 s`);
      await new Promise((r) => setTimeout(r, 1));
    }
    lag.push(performance.now() - committed);
    while (!seenRaw.has(i) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 1));
    rawLag.push((seenRaw.get(i) ?? Number.NaN) - committed);
  }
  const row = (name: string, xs: number[]) => `| ${name} | ${N} | ${quantile(xs, 0.5).toFixed(1)} | ${quantile(xs, 0.99).toFixed(1)} |`;
  console.log("| reader | commits | p50 ms | p99 ms |\n|---|---:|---:|---:|");
  console.log(row("raw kafkajs read_committed consumer (floor)", rawLag));
  console.log(row("view store via lockstep materialize", lag));
  await reader.close();
  await tx.disconnect();
  await raw.disconnect();
  await m.stop();
  await store.close();
  await client.deleteTopics([topic]).catch(() => {});
  await client.close();
  rmSync(dir, { recursive: true, force: true });
  await broker.stop();
};
await main();
