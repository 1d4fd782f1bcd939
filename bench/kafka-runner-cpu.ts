/**
 * CPU time per record of one KafkaStreamRunner over the stateless pipeline of bench/kafka-pipe.ts,
 * with the code of the tree at `root` — so a baseline checkout and a candidate can be alternated in
 * one shell on a loaded machine (as bench/arquero-cpu.ts does for the batch runner). N records are
 * put in a fresh source topic first (not timed); the row is from `start()` until every input offset
 * is committed. One JSON line: msg/s (wall), CPU µs per record (this process: the runner and its
 * client; the broker is another process), 1-min load average before and after.
 *
 *   git archive <base> | tar -x -C .scratch/base && ln -s ../../node_modules .scratch/base/node_modules
 *   KAFKA_BROKERS=127.0.0.1:19092 npx tsx bench/kafka-runner-cpu.ts $PWD/.scratch/base 300000 eos platformatic
 *   KAFKA_BROKERS=127.0.0.1:19092 npx tsx bench/kafka-runner-cpu.ts $PWD 300000 eos platformatic
 *
 * Arguments: root, records (300000), `eos` or `alo`, client (`kafkajs` | `platformatic`).
 * Needs KAFKA_BROKERS (e.g. from `npx tsx scripts/kafka/start.ts --port 19092`).
 */
import { randomUUID } from "node:crypto";
import { loadavg } from "node:os";

const [root, nArg = "300000", guarantee = "eos", kind = "platformatic"] = process.argv.slice(2);
if (!root || !process.env.KAFKA_BROKERS) {
  console.error("usage: KAFKA_BROKERS=host:port tsx bench/kafka-runner-cpu.ts <root> [records] [eos|alo] [kafkajs|platformatic]");
  process.exit(2);
}
const { benchMessages, PARTITIONS, pipeline } = await import(`${root}/bench/kafka-pipe.ts`);
const { KafkajsClient } = await import(`${root}/runners/kafka/kafkajs-client.ts`);
const { KafkaStreamRunner } = await import(`${root}/runners/kafka/runner.ts`);

const N = Number(nArg);
const brokers = process.env.KAFKA_BROKERS.split(",");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const admin = new KafkajsClient(brokers, "bench-runner-cpu");
const prefix = `bench-runner-cpu-${randomUUID().slice(0, 8)}.`;
const input = `${prefix}in`;
await admin.createTopics([{ topic: input, partitions: PARTITIONS }]);
const producer = await admin.producer();
const msgs = benchMessages(input, N);
for (let i = 0; i < msgs.length; i += 10_000) await producer.send(msgs.slice(i, i + 10_000));
await producer.close();
const ends: number[] = await admin.endOffsets(input);

const l0 = loadavg()[0]!;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const appId = `bench-runner-cpu-${randomUUID().slice(0, 8)}`;
const runner = new KafkaStreamRunner({
  brokers,
  appId,
  partitions: PARTITIONS,
  guarantee: guarantee === "eos" ? "exactly-once" : "at-least-once",
  topicPrefix: prefix,
  client: kind,
});
await runner.start(pipeline);
for (;;) {
  const c: number[] = await admin.committedOffsets(appId, input);
  if (ends.every((e, i) => (c[i] ?? -1) >= e)) break;
  await sleep(20);
}
const ms = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
await runner.stop();
await admin.close();
console.log(
  JSON.stringify({
    root: root.split("/").pop(),
    client: kind,
    guarantee,
    records: N,
    msgPerS: Math.round((N / ms) * 1000),
    cpuUsPerRecord: Number(((cpu.user + cpu.system) / N).toFixed(2)),
    load: [l0, loadavg()[0]],
  }),
);
process.exit(0);
