/**
 * How fast `lockstep nexmark generate --events N --topic T` produces Beam's event stream into Kafka,
 * next to the ceiling of the same producer: N fixed records of the same average length, sent through
 * the same Kafka client in the same ~900 KB sends, on the same broker (started here unless
 * KAFKA_BROKERS is set). Both in this process, alternately, `runs` times each (medians); then the CLI
 * command itself once, as a user runs it (compiled bin: run `npm run build` first).
 *
 *   npx tsx bench/nexmark-topic.ts [events] [runs]
 */
import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import type { OutMessage } from "../runners/kafka/client.ts";
import { KafkajsClient } from "../runners/kafka/kafkajs-client.ts";
import { startBroker } from "../scripts/kafka/broker.ts";
import { produceNexmark } from "../src/cli/nexmark-topic.ts";
import { nexmarkConfig, nexmarkEvent, nexmarkJsonLine } from "../src/nexmark/index.ts";

const N = Number(process.argv[2] ?? 500_000);
const runs = Number(process.argv[3] ?? 3);
const broker = process.env.KAFKA_BROKERS ? { brokers: process.env.KAFKA_BROKERS, stop: async () => {} } : await startBroker();
const brokers = broker.brokers.split(",");
const client = new KafkajsClient(brokers, "bench-nexmark-topic");
const config = nexmarkConfig({ events: N });

// The baseline's record: one line of the stream's average length.
let sample = 0;
for (let n = 0; n < 5000; n++) sample += nexmarkJsonLine(nexmarkEvent(config, n)).length;
const valueBytes = Math.round(sample / 5000);
const value = Buffer.from(`{"type":"bid","extra":"${"x".repeat(valueBytes - 25)}"}`, "latin1");

async function raw(topic: string): Promise<void> {
  await client.createTopics([{ topic, partitions: 1 }]);
  const producer = await client.producer();
  const perSend = Math.floor((900 * 1024) / valueBytes);
  try {
    for (let n = 0; n < N; ) {
      const batch: OutMessage[] = [];
      for (const end = Math.min(N, n + perSend); n < end; n++) batch.push({ topic, partition: 0, key: null, value });
      await producer.send(batch);
    }
  } finally {
    await producer.close();
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const times: Record<"raw" | "lockstep", number[]> = { raw: [], lockstep: [] };
const timed = async (f: () => Promise<unknown>): Promise<number> => {
  const t = performance.now();
  await f();
  return (performance.now() - t) / 1000;
};
try {
  for (let i = 0; i < runs; i++) {
    times.raw.push(await timed(() => raw(`bench-raw-${randomUUID().slice(0, 8)}`)));
    times.lockstep.push(await timed(() => produceNexmark(client, config, `bench-nexmark-${randomUUID().slice(0, 8)}`, 1)));
  }
  const topic = `bench-cli-${randomUUID().slice(0, 8)}`;
  const args = ["dist/src/cli/bin.js", "nexmark", "generate", "--events", String(N), "--topic", topic, "--brokers", broker.brokers];
  const cliSeconds = await timed(async () => {
    const r = spawnSync(process.execPath, args, { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`lockstep ${args.slice(1).join(" ")}: exit ${r.status}\n${r.stderr}`);
  });
  const rate = (s: number) => Math.round(N / s).toLocaleString("en-US");
  const base = median(times.raw);
  const ours = median(times.lockstep);
  console.log(`${N} events, ${valueBytes} bytes a record on average, 1 partition, acks=all\n`);
  console.log(
    [
      "| what | events | runs | median s | events/s | time / raw |",
      "|---|---:|---:|---:|---:|---:|",
      `| raw: the same client sending fixed ${valueBytes}-byte records (baseline) | ${N} | ${runs} | ${base.toFixed(2)} | ${rate(base)} | 1.00 |`,
      `| produceNexmark (what --topic runs), in process | ${N} | ${runs} | ${ours.toFixed(2)} | ${rate(ours)} | ${(ours / base).toFixed(2)} |`,
      `| lockstep nexmark generate --events ${N} --topic T (whole process) | ${N} | 1 | ${cliSeconds.toFixed(2)} | ${rate(cliSeconds)} | ${(cliSeconds / base).toFixed(2)} |`,
    ].join("\n"),
  );
} finally {
  await client.close();
  await broker.stop();
}
