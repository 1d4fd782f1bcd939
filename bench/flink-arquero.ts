/**
 * The Flink runner against the Arquero runner on the same input (issue 15):
 * the flagship pipeline (`examples/user-sequences.ts`: dispatch with a GraalJS
 * executor, dedupe, point-in-time lookup, sequence) over generated events,
 * end to end through the CLI — each run its own `lockstep run` process —
 * on the Arquero runner and on Flink at parallelism 1 and 2, with the
 * DirectRunner's file as the reference every output must equal byte for byte.
 *
 * One local Flink (JobManager, TaskManager with 2 slots, SQL Gateway) is started
 * once for all Flink runs (its start is timed apart, and a small job warms it
 * up, untimed); each Flink row is a whole
 * `lockstep run --runner flink --gateway URL --parallelism N`: decoding at the
 * edge in Node, the job, reading the output back. CPU: the lockstep process's
 * user + system time (from `/usr/bin/time`), and for Flink also the Flink JVMs'
 * (utime + stime from /proc of every process whose command line names
 * org.apache.flink, before and after the run).
 *
 * With `--topic`, two more rows: the same events read by the Flink job from a Kafka topic itself
 * (`--in events=kafka://…`, on a broker started for the run; the edge rule then runs in GraalJS), at
 * parallelism 1 and 2; their sink file must equal Direct's (their dead letters name Kafka offsets,
 * not lines, so only the sink is compared). One partition: the generated events repeat event ids
 * across users, and which duplicate the flagship's dedupe keeps follows arrival order across source
 * keys (docs/semantics.md §14), which only one partition keeps as the file has it.
 *
 *   npx tsx bench/flink-arquero.ts [--events N] [--users U] [--reps R] [--topic]
 *
 * @module
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync, mkdirSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { makeKafkaClient } from "../runners/kafka/client-choice.ts";
import type { OutMessage } from "../runners/kafka/client.ts";
import { startLocalGateway } from "../scripts/flink/gateway.ts";
import { startBroker } from "../scripts/kafka/broker.ts";
import { canonicalJson } from "../src/core/canonical.ts";
import { buildJsUdfJars } from "../scripts/flink/udfs.ts";
import { flagshipData } from "./flagship-data.ts";

const { values } = parseArgs({
  options: {
    events: { type: "string", default: "1000000" },
    users: { type: "string", default: "100000" },
    reps: { type: "string", default: "1" },
    topic: { type: "boolean", default: false },
  },
});
const EVENTS = Number(values.events);
const USERS = Number(values.users);
const REPS = Number(values.reps);

/** CPU seconds (utime + stime) of every Flink JVM now running. */
const flinkCpuSeconds = (): number => {
  const tick = 100; // USER_HZ on Linux
  let total = 0;
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("org.apache.flink")) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      total += (Number(fields[11]) + Number(fields[12])) / tick;
    } catch {
      // the process ended meanwhile
    }
  }
  return total;
};

interface Row {
  readonly name: string;
  readonly wall: number;
  readonly cpu: number;
  readonly jvmCpu?: number;
  readonly rssMiB: number;
  readonly out: string;
  /** Read from a topic: only the sink file is compared. */
  readonly topic?: boolean;
}

const run = (name: string, runnerArgs: readonly string[], outDir: string, jvm: boolean, eventsInput?: string): Row => {
  const data = dataFiles!;
  const out = join(outDir, `${name.replace(/[^a-z0-9]+/gi, "-")}.jsonl`);
  const dead = out.replace(/\.jsonl$/, ".dead.jsonl");
  const j0 = jvm ? flinkCpuSeconds() : 0;
  const t0 = performance.now();
  const r = spawnSync(
    "/usr/bin/time",
    [
      "-f",
      "TIME %e %U %S %M",
      process.execPath,
      "dist/src/cli/bin.js",
      "run",
      "examples/user-sequences.ts",
      ...runnerArgs,
      "--in",
      `events=${eventsInput ?? data.eventsFile}`,
      "--in",
      `items=${data.itemsFile}`,
      "--out",
      `sequences=${out}`,
      "--dead-letters",
      dead,
      "--quiet",
    ],
    { encoding: "utf8", maxBuffer: 1 << 26 },
  );
  const wall = (performance.now() - t0) / 1000;
  const jvmCpu = jvm ? flinkCpuSeconds() - j0 : undefined;
  const m = /TIME ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(r.stderr);
  if (r.status !== 0 || !m) throw new Error(`${name} failed (exit ${r.status}):\n${r.stderr.slice(-3000)}`);
  return {
    name,
    wall,
    cpu: Number(m[2]) + Number(m[3]),
    ...(jvmCpu === undefined ? {} : { jvmCpu }),
    rssMiB: Number(m[4]) / 1024,
    out,
    ...(eventsInput ? { topic: true } : {}),
  };
};

/**
 * A broker started for the run with the events file's lines in a topic of one partition, in file
 * order, each keyed by its user (canonical JSON, the Kafka runner's key).
 */
const eventsTopic = async (eventsFile: string): Promise<{ url: string; stop(): Promise<void> }> => {
  const broker = await startBroker();
  const client = makeKafkaClient("kafkajs", broker.brokers.split(","));
  const topic = "bench-flagship-events";
  await client.createTopics([{ topic, partitions: 1 }]);
  const producer = await client.producer();
  let batch: OutMessage[] = [];
  let bytes = 0;
  for await (const line of createInterface({ input: createReadStream(eventsFile) })) {
    let key: string | null = null;
    try {
      key = canonicalJson((JSON.parse(line) as { userId?: unknown }).userId ?? null);
    } catch {}
    batch.push({ topic, partition: 0, key, value: line });
    bytes += line.length + 40;
    // Under the ~1 MB a send may carry.
    if (bytes > 800_000) await producer.send(batch), (batch = []), (bytes = 0);
  }
  if (batch.length > 0) await producer.send(batch);
  await producer.close();
  await client.close();
  return { url: `kafka://${broker.brokers}/${topic}`, stop: () => broker.stop() };
};

let dataFiles: Awaited<ReturnType<typeof flagshipData>> | undefined;

const main = async () => {
  dataFiles = await flagshipData(EVENTS, USERS);
  const outDir = join(dataFiles.dir, "flink-arquero");
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const load0 = loadavg()[0]!;
  const rows: Row[] = [];
  const median = (xs: Row[]): Row => [...xs].sort((a, b) => a.wall - b.wall)[Math.floor(xs.length / 2)]!;
  const reps = (name: string, args: readonly string[], jvm: boolean) => median(Array.from({ length: REPS }, (_, i) => run(`${name} ${i}`, args, outDir, jvm)));
  rows.push({ ...reps("direct (reference)", ["--runner", "direct"], false), name: "direct (reference)" });
  rows.push({ ...reps("arquero", ["--runner", "arquero"], false), name: "arquero" });
  const s0 = performance.now();
  const { runtime } = await buildJsUdfJars();
  const gateway = await startLocalGateway({ extraJars: runtime });
  const startSeconds = (performance.now() - s0) / 1000;
  try {
    // The cluster's first job pays for class loading and the UDF jars' first use: a small job first, untimed.
    const full = dataFiles;
    dataFiles = await flagshipData(1000, 100);
    run("flink warm-up", ["--runner", "flink", "--gateway", gateway.url], outDir, true);
    dataFiles = full;
    for (const p of [1, 2])
      rows.push({ ...reps(`flink p${p}`, ["--runner", "flink", "--gateway", gateway.url, "--parallelism", String(p)], true), name: `flink, parallelism ${p}` });
    if (values.topic) {
      const topicInput = await eventsTopic(dataFiles.eventsFile);
      try {
        for (const p of [1, 2])
          rows.push({
            ...median(
              Array.from({ length: REPS }, (_, i) =>
                run(`flink topic p${p} ${i}`, ["--runner", "flink", "--gateway", gateway.url, "--parallelism", String(p)], outDir, true, topicInput.url),
              ),
            ),
            name: `flink from a topic, parallelism ${p}`,
          });
      } finally {
        await topicInput.stop();
      }
    }
  } finally {
    await gateway.stop();
  }
  const load1 = loadavg()[0]!;
  const ref = readFileSync(rows[0]!.out);
  const refDead = readFileSync(rows[0]!.out.replace(/\.jsonl$/, ".dead.jsonl"));
  const lines = ref.toString().split("\n").filter(Boolean).length;
  const arq = rows[1]!;
  console.log(
    `node ${process.version}, ${new Date().toISOString()}, ${cpus().length} cores, ${EVENTS} events, ${USERS} users (${lines} sequences out), load ${load0.toFixed(2)} → ${load1.toFixed(2)}; local Flink started in ${startSeconds.toFixed(1)} s (not in the rows); median of ${REPS}\n`,
  );
  console.log(
    "| runner | wall s | events/s (wall) | lockstep process CPU s | Flink JVMs CPU s | peak RSS of the lockstep process MiB | wall / arquero | output = Direct's |",
  );
  console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
  for (const r of rows) {
    const same = readFileSync(r.out).equals(ref) && (r.topic === true || readFileSync(r.out.replace(/\.jsonl$/, ".dead.jsonl")).equals(refDead));
    console.log(
      `| ${r.name} | ${r.wall.toFixed(1)} | ${Math.round(EVENTS / r.wall).toLocaleString("en")} | ${r.cpu.toFixed(1)} | ${r.jvmCpu === undefined ? "—" : r.jvmCpu.toFixed(1)} | ${r.rssMiB.toFixed(0)} | ${(r.wall / arq.wall).toFixed(2)} | ${r === rows[0] ? "(reference)" : same ? "yes" : "**no**"} |`,
    );
  }
};

await main();
