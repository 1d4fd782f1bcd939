/**
 * Restart cost of the KafkaStreamRunner with state on disk (`state: "lmdb"`): a keyed
 * aggregate over N keys (one record each, so ≈ N changelog records), stopped gracefully, then
 * restarted — with its checkpoints (a tail replay: nothing was written since), with the
 * checkpoints removed (the store wiped and the changelog replayed in full), and with state in
 * memory (a full replay, as every restart was before); last, with a tail: another instance (state in
 * memory) processes records for a tenth of the keys while the LMDB one is down, which then restarts
 * from its checkpoints and replays just those changelog records. Each restart is measured from `start()`
 * until every task has restored its state: wall time, this process's CPU time, and changelog
 * records read. Uses KAFKA_BROKERS or starts the embedded broker.
 *
 *   npx tsx bench/kafka-restore.ts [keys=100000] [rounds=2]
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import pipeline from "./kafka-keyed-count.ts";
import { compile } from "../src/plan/compile.ts";
import { KafkaStreamRunner } from "../runners/kafka/runner.ts";
import type { KafkaStreamOptions } from "../runners/kafka/runner.ts";
import { KafkajsClient } from "../runners/kafka/kafkajs-client.ts";
import { layoutOf, prefixedNames } from "../runners/kafka/layout.ts";
import { partitionFor } from "../runners/kafka/murmur2.ts";
import { CHECKPOINT_FILE } from "../runners/kafka/local-store.ts";
import { startBroker } from "../scripts/kafka/broker.ts";

const KEYS = Number(process.argv[2] ?? 100_000);
const ROUNDS = Number(process.argv[3] ?? 2);
const PARTITIONS = 3;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(" ");

const main = async () => {
  const broker = process.env.KAFKA_BROKERS ? { brokers: process.env.KAFKA_BROKERS, stop: async () => {} } : await startBroker();
  const brokers = broker.brokers.split(",");
  const client = new KafkajsClient(brokers);
  const appId = `bench-restore-${randomUUID().slice(0, 8)}`;
  const app = { appId, topicPrefix: `${appId}.` };
  const layout = layoutOf(compile(pipeline, {}), appId, PARTITIONS, prefixedNames(app.topicPrefix, appId));
  const tasks = layout.subTopologies.length * PARTITIONS;
  const inputs = [...new Set(layout.subTopologies.flatMap((s) => s.inputs.map((i) => i.topic)))];
  const dir = mkdtempSync(join(tmpdir(), "lockstep-bench-restore-"));
  const runner = (state: KafkaStreamOptions["state"], logs: Record<string, unknown>[]) =>
    new KafkaStreamRunner({ brokers, ...app, partitions: PARTITIONS, idleMs: 0, state, log: (e) => logs.push(e) });
  const lmdb = { lmdb: { dir } } as const;
  try {
    await client.createTopics(layout.topics);
    /** Produces one record for each of keys [from, to). */
    const produceKeys = async (from: number, to: number, ts: number) => {
      const producer = await client.producer();
      for (let i = from; i < to; i += 10_000) {
        const batch = [];
        for (let k = i; k < Math.min(to, i + 10_000); k++) {
          const user = `u${k}`;
          batch.push({
            topic: `${app.topicPrefix}in`,
            partition: partitionFor(user, PARTITIONS),
            key: user,
            value: JSON.stringify({ user, n: k % 97, ts: ts + k }),
          });
        }
        await producer.send(batch);
      }
      await producer.close();
    };
    /** Runs `r` until every input (source and repartition) is committed to its end, then stops it. */
    const runToEnd = async (r: KafkaStreamRunner) => {
      await r.start(pipeline);
      for (;;) {
        if (r.error()) throw r.error();
        let done = true;
        for (const topic of inputs) {
          const [ends, committed] = await Promise.all([client.endOffsets(topic), client.committedOffsets(appId, topic)]);
          if (ends.some((e, p) => e > 0 && (committed[p] ?? -1) < e)) done = false;
        }
        if (done) break;
        await sleep(500);
      }
      await r.stop();
    };
    await produceKeys(0, KEYS, 1_000_000);
    // The first run builds the state.
    const t0 = performance.now();
    await runToEnd(runner(lmdb, []));
    let changelog = 0;
    for (const s of layout.subTopologies)
      for (const st of s.stateful) changelog += (await client.endOffsets(layout.changelogTopic(st))).reduce((a, b) => a + b, 0);
    console.log(`built: ${KEYS} keys in ${((performance.now() - t0) / 1000).toFixed(1)} s; changelog end offsets sum ${changelog}; load ${load()}`);

    /** One restart: from start() until every task has restored its state. */
    const restart = async (name: string, state: KafkaStreamOptions["state"]) => {
      const logs: Record<string, unknown>[] = [];
      const r = runner(state, logs);
      const cpu0 = process.cpuUsage();
      const w0 = performance.now();
      await r.start(pipeline);
      while (logs.filter((e) => e.event === "task started").length < tasks) {
        if (r.error()) throw r.error();
        await sleep(5);
      }
      const wall = performance.now() - w0;
      const cpu = process.cpuUsage(cpu0);
      const restored = r.restored()!;
      await r.stop();
      return { name, wallMs: Math.round(wall), cpuMs: Math.round((cpu.user + cpu.system) / 1000), records: restored.full + restored.tail, load: load() };
    };
    const rows: Awaited<ReturnType<typeof restart>>[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      rows.push(await restart("lmdb, checkpoint (tail)", lmdb));
      // Without the checkpoints (as after a crash): the stores are wiped and restored in full.
      for (const task of readdirSync(join(dir, appId))) rmSync(join(dir, appId, task, CHECKPOINT_FILE), { force: true });
      rows.push(await restart("lmdb, no checkpoint (full)", lmdb));
      rows.push(await restart("memory (full)", "memory"));
    }
    // A tail: another instance (state in memory) moves a tenth of the keys on while this one is down.
    await produceKeys(0, Math.floor(KEYS / 10), 10_000_000);
    await runToEnd(runner("memory", []));
    rows.push(await restart("lmdb, checkpoint, tail of a tenth of the keys", lmdb));
    console.log(`node ${process.version}, ${new Date().toISOString()}, ${PARTITIONS} partitions, ${tasks} tasks, ${KEYS} keys`);
    console.log("| restart | wall ms | CPU ms | changelog records restored | load average (1/5/15 min) |");
    console.log("| --- | ---: | ---: | ---: | --- |");
    for (const r of rows) console.log(`| ${r.name} | ${r.wallMs} | ${r.cpuMs} | ${r.records} | ${r.load} |`);
  } finally {
    await client.deleteTopics(layout.topics.map((x) => x.topic)).catch(() => {});
    await client.close();
    rmSync(dir, { recursive: true, force: true });
    await broker.stop();
  }
};

await main();
