/**
 * The KafkaStreamRunner on its two Kafka clients, kafkajs and @platformatic/kafka, in the same run:
 * N records already in the source topic, time until every input offset is committed, and the
 * CPU time of this process meanwhile (the runner's; the broker is another process), at-least-once
 * and exactly-once. The load average is printed beside every row: the machine may be shared.
 * Uses KAFKA_BROKERS or starts the embedded broker.
 *
 *   npx tsx bench/kafka-clients.ts [records=200000]
 */
import { randomUUID } from "node:crypto";
import { loadavg } from "node:os";
import { benchMessages, PARTITIONS, pipeline } from "./kafka-pipe.ts";
import type { KafkaClientKind } from "../runners/kafka/client-choice.ts";
import { KafkajsClient } from "../runners/kafka/kafkajs-client.ts";
import { KafkaStreamRunner } from "../runners/kafka/runner.ts";
import { startBroker } from "../scripts/kafka/broker.ts";

const N = Number(process.argv[2] ?? 200_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(" ");

const main = async () => {
  const broker = process.env.KAFKA_BROKERS ? { brokers: process.env.KAFKA_BROKERS, stop: async () => {} } : await startBroker();
  const brokers = broker.brokers.split(",");
  // Fills the topic and watches the commits, the same for both clients under test.
  const admin = new KafkajsClient(brokers, "bench-clients");
  const rows: string[] = [];
  try {
    const prefix = `bench-clients-${randomUUID().slice(0, 8)}.`;
    const input = `${prefix}in`;
    await admin.createTopics([{ topic: input, partitions: PARTITIONS }]);
    const p = await admin.producer();
    const msgs = benchMessages(input, N);
    for (let i = 0; i < msgs.length; i += 10_000) await p.send(msgs.slice(i, i + 10_000));
    await p.close();
    const ends = await admin.endOffsets(input);
    const kept = msgs.filter((m) => (JSON.parse(m.value) as { amount: number }).amount > 10).length;
    const outputEnd = async () => {
      await admin.createTopics([{ topic: `${prefix}out`, partitions: PARTITIONS }]);
      return (await admin.endOffsets(`${prefix}out`)).reduce((a, b) => a + b, 0);
    };

    const once = async (kind: KafkaClientKind, eos: boolean) => {
      const appId = `bench-clients-${kind}-${randomUUID().slice(0, 8)}`;
      const outBefore = await outputEnd();
      const before = load();
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      // Both runs read the same input and write the same output topic, each its own group and internal topics.
      const r = new KafkaStreamRunner({
        brokers,
        appId,
        partitions: PARTITIONS,
        guarantee: eos ? "exactly-once" : "at-least-once",
        topicPrefix: prefix,
        client: kind,
      });
      await r.start(pipeline);
      for (;;) {
        const c = await admin.committedOffsets(appId, input);
        if (ends.every((e, i) => (c[i] ?? -1) >= e)) break;
        await sleep(20);
      }
      const ms = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      await r.stop();
      // Records written (with transaction markers under exactly-once): every kept record is there.
      const written = (await outputEnd()) - outBefore;
      const cpuMs = (cpu.user + cpu.system) / 1000;
      rows.push(
        `| ${eos ? "exactly-once" : "at-least-once"} | ${kind} | ${N} | ${Math.round((N / ms) * 1000).toLocaleString("en-US")} | ${(cpuMs / 1000).toFixed(1)} | ${((cpuMs * 1000) / N).toFixed(1)} | ${written} / ${kept} | ${before} → ${load()} |`,
      );
    };
    // Each client twice, in both orders, so neither always runs on a warmer broker.
    for (const eos of [false, true]) for (const kind of ["kafkajs", "platformatic", "platformatic", "kafkajs"] as const) await once(kind, eos);
  } finally {
    await admin.close();
    await broker.stop();
  }
  console.log(`node ${process.version}, ${new Date().toISOString()}, ${PARTITIONS} partitions, broker on this machine`);
  console.log(
    "| guarantee | client | records | msg/s (wall) | runner CPU s | CPU µs / record | output offsets / kept records | load (1, 5, 15 min) before → after |",
  );
  console.log("|---|---|---:|---:|---:|---:|---:|---|");
  for (const r of rows) console.log(r);
};

await main();
process.exit(0);
