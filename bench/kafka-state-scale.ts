/**
 * Kafka task state larger than the heap (issue 12, the Kafka half): `lockstep run --runner kafka
 * --follow` of bench/kafka-keyed-count.ts over N users (one record each, so N values of aggregate
 * state and N source clocks), with state in memory and with `--state lmdb`, each as its own
 * process under `--max-old-space-size`, until every input is committed (then SIGTERM). Peak RSS
 * (`VmHWM`) and peak anonymous memory (`RssAnon`, heap and native memory without LMDB's mapped file)
 * are sampled from /proc; CPU time from /proc/<pid>/stat. Uses KAFKA_BROKERS or starts the
 * embedded broker.
 *
 *   npx tsx bench/kafka-state-scale.ts <users> <heap MB> [memory|lmdb ...] [--state-cache N]
 *
 * @module
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { compile } from "../src/plan/compile.ts";
import { KafkajsClient } from "../runners/kafka/kafkajs-client.ts";
import { layoutOf, prefixedNames } from "../runners/kafka/layout.ts";
import { partitionFor } from "../runners/kafka/murmur2.ts";
import { startBroker } from "../scripts/kafka/broker.ts";
import pipeline from "./kafka-keyed-count.ts";

const args = process.argv.slice(2);
const cacheAt = args.indexOf("--state-cache");
const cache = cacheAt >= 0 ? args.splice(cacheAt, 2)[1] : undefined;
const [usersArg, heapArg, ...states] = args;
const USERS = Number(usersArg ?? 1_000_000);
const HEAP = Number(heapArg ?? 256);
const STATES = states.length > 0 ? states : ["lmdb", "memory"];
const PARTITIONS = 3;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(" ");

/** kB of a /proc/<pid>/status field. */
const statusKb = (pid: number, field: string): number => {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
};
/** CPU seconds (user + system) of a process and its waited-for children. */
const cpuSeconds = (pid: number): number => {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return Number.NaN;
  }
};

const main = async () => {
  const broker = process.env.KAFKA_BROKERS ? { brokers: process.env.KAFKA_BROKERS, stop: async () => {} } : await startBroker();
  const brokers = broker.brokers;
  const client = new KafkajsClient(brokers.split(","));
  const rows: string[] = [];
  const cleanup: string[] = [];
  try {
    for (const state of STATES) {
      const appId = `bench-state-scale-${state}-${randomUUID().slice(0, 8)}`;
      const prefix = `${appId}.`;
      const layout = layoutOf(compile(pipeline, {}), appId, PARTITIONS, prefixedNames(prefix, appId));
      cleanup.push(...layout.topics.map((t) => t.topic));
      await client.createTopics(layout.topics);
      const producer = await client.producer();
      for (let i = 0; i < USERS; i += 10_000) {
        const batch = [];
        for (let k = i; k < Math.min(USERS, i + 10_000); k++) {
          const user = `user-${k}`;
          batch.push({
            topic: `${prefix}in`,
            partition: partitionFor(user, PARTITIONS),
            key: user,
            value: JSON.stringify({ user, n: k % 97, ts: 1_000_000 + k }),
          });
        }
        await producer.send(batch);
      }
      await producer.close();
      const dir = mkdtempSync(join(tmpdir(), "lockstep-bench-kafka-scale-"));
      const child = spawn(
        process.execPath,
        [
          `--max-old-space-size=${HEAP}`,
          "--import",
          "tsx",
          "src/cli/bin.ts",
          "run",
          "bench/kafka-keyed-count.ts",
          "--runner",
          "kafka",
          "--follow",
          "--brokers",
          brokers,
          "--app-id",
          appId,
          "--topic-prefix",
          prefix,
          "--partitions",
          String(PARTITIONS),
          "--state",
          state,
          ...(state === "lmdb" ? ["--state-dir", dir, ...(cache ? ["--state-cache", cache] : [])] : []),
        ],
        { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, LOCKSTEP_LOG_LEVEL: "warn" } },
      );
      let stderr = "";
      child.stderr!.setEncoding("utf8").on("data", (s: string) => (stderr = (stderr + s).slice(-4000)));
      const exited = new Promise<void>((r) => child.once("exit", () => r()));
      const t0 = performance.now();
      let anon = 0;
      let hwm = 0;
      let cpu = 0;
      let done = false;
      const inputs = [...new Set(layout.subTopologies.flatMap((s) => s.inputs.map((i) => i.topic)))];
      while (child.exitCode === null && child.signalCode === null) {
        anon = Math.max(anon, statusKb(child.pid!, "RssAnon"));
        hwm = Math.max(hwm, statusKb(child.pid!, "VmHWM"));
        cpu = Math.max(cpu, cpuSeconds(child.pid!) || 0);
        let all = true;
        for (const topic of inputs) {
          const [ends, committed] = await Promise.all([client.endOffsets(topic), client.committedOffsets(appId, topic)]);
          if (ends.some((e, p) => e > 0 && (committed[p] ?? -1) < e)) all = false;
        }
        if (all) {
          done = true;
          break;
        }
        await sleep(1000);
      }
      const seconds = (performance.now() - t0) / 1000;
      child.kill("SIGTERM");
      await exited;
      const result = done
        ? "finished"
        : /heap out of memory|Allocation failed/i.test(stderr)
          ? "**out of heap**"
          : `exited ${child.exitCode ?? child.signalCode}`;
      if (!done) console.error(stderr);
      rows.push(
        `| ${USERS.toLocaleString("en")} | ${HEAP} MB | ${state}${state === "lmdb" && cache ? ` (cache ${cache}/task)` : ""} | ${result} | ${seconds.toFixed(1)} | ${cpu.toFixed(1)} | ${done ? Math.round(USERS / seconds).toLocaleString("en") : "–"} | ${Math.round(hwm / 1024)} | ${Math.round(anon / 1024)} | ${load()} |`,
      );
      console.log(rows[rows.length - 1]);
      rmSync(dir, { recursive: true, force: true });
    }
    console.log(`node ${process.version}, ${new Date().toISOString()}, ${PARTITIONS} partitions, exactly-once`);
    console.log("| users | heap limit | state | result | seconds | CPU s | records/s | peak RSS (MiB) | peak anon (MiB) | load average |");
    console.log("| ---: | ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | --- |");
    for (const r of rows) console.log(r);
  } finally {
    await client.deleteTopics(cleanup).catch(() => {});
    await client.close();
    await broker.stop();
  }
};

await main();
