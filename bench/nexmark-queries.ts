/**
 * Nexmark q0–q9, q11 (examples/nexmark) on every runner: events/s and events per CPU-second (per
 * core) of the DirectRunner and the ArqueroBatchRunner reading a JSONL file of N generated events, and
 * of the KafkaStreamRunner reading a topic of the first K of them (bench/nexmark-query.ts says what is
 * timed), next to the published per-core figures of Flink and the published events/s of Beam's Java
 * DirectRunner. Each run is its own Node process under GNU time (/usr/bin/time, when present), so its
 * CPU time and peak RSS are its own; each final view is checked against the DirectRunner's on the same
 * events (not timed). Kafka uses KAFKA_BROKERS or starts a throwaway broker; the broker's own CPU (a
 * separate JVM) is not in the Kafka rows.
 *
 *   npm run bench:nexmark-queries
 *   npm run bench:nexmark-queries -- --events 200000 --kafka-events 50000 --queries q1,q5 --runners direct,kafka
 *
 * @module
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { nexmarkConfig, writeNexmarkFile } from "../src/nexmark/index.ts";
import { QUERIES, type QueryRun, RUNNERS, type RunnerName, timeQuery } from "./nexmark-query.ts";

/**
 * Flink 1.13's published Throughput/Cores (events per second per core), from the nexmark/nexmark
 * README's "Benchmark Results" (github.com/nexmark/nexmark: 100M events, 8 TaskManagers of one slot,
 * RocksDB, exactly-once checkpoints, the generator inside the job). q6 is not run there (FLINK-19059).
 */
export const FLINK_PER_CORE: Readonly<Record<string, number>> = {
  q0: 155_020,
  q1: 157_940,
  q2: 175_210,
  q3: 152_120,
  q4: 34_330,
  q5: 22_140,
  q7: 12_330,
  q8: 146_140,
  q9: 14_240,
  q11: 39_700,
};

/**
 * Beam's Java DirectRunner, the example output in Beam's Nexmark documentation
 * (beam.apache.org/documentation/sdks/java/testing/nexmark, "Nexmark output": the SMOKE suite,
 * streaming, 100,000 events): events/s of wall time; the cores used are not stated, so this is not a
 * per-core figure.
 */
export const BEAM_DIRECT_EVENTS_PER_S: Readonly<Record<string, number>> = {
  q0: 18_138.9,
  q1: 23_657.4,
  q2: 45_683.0,
  q3: 25_348.5,
  q4: 6_207.3,
  q5: 20_173.5,
  q6: 11_376.6,
  q7: 823.5,
  q8: 40_273.9,
  q9: 10_695.2,
  q11: 22_655.2,
};

/** What the harness runs. */
export interface TableOptions {
  /** Events the DirectRunner and the ArqueroBatchRunner read. */
  readonly events: number;
  /** Events the KafkaStreamRunner reads (the first of the same stream). */
  readonly kafkaEvents: number;
  readonly queries: readonly string[];
  readonly runners: readonly RunnerName[];
  /** Bootstrap servers; required when `runners` has "kafka". */
  readonly brokers?: readonly string[];
  /** Run in this process instead of one process per run (for the smoke test: no RSS, CPU shared). */
  readonly inProcess?: boolean;
  /** Called after each run (progress on stderr). */
  readonly onRow?: (row: Row) => void;
}

/** One line of the table. */
export interface Row {
  readonly query: string;
  readonly runner: RunnerName;
  readonly events: number;
  /** The run, or why it failed. */
  readonly run: QueryRun | { readonly error: string };
  /** Peak RSS of the run's process, KiB (null in process). */
  readonly peakRssKiB: number | null;
  /** Whether the final view equals the DirectRunner's on the same events (null: this is that run, or it failed). */
  readonly agrees: boolean | null;
}

const GNU_TIME = "/usr/bin/time";

/** Runs one query in its own Node process (under GNU time when there is one). */
const spawnRun = (
  runner: RunnerName,
  query: string,
  file: string,
  dir: string,
  brokers?: readonly string[],
): { run: QueryRun | { error: string }; peakRssKiB: number | null } => {
  const out = join(dir, `${runner}-${query}-${process.hrtime.bigint()}.json`);
  const timeOut = `${out}.time`;
  // Arquero holds the whole input in memory: room for 1M events and more.
  const node = [process.execPath, "--max-old-space-size=12000", "--import", "tsx", join(import.meta.dirname, "nexmark-query.ts"), runner, query, file, out];
  if (brokers) node.push(brokers.join(","));
  const withTime = existsSync(GNU_TIME);
  const [cmd, ...args] = withTime ? [GNU_TIME, "-f", "%M", "-o", timeOut, ...node] : node;
  const r = spawnSync(cmd!, args, { encoding: "utf8", maxBuffer: 64 << 20 });
  if (r.status !== 0 || !existsSync(out))
    return { run: { error: `exit ${r.status ?? r.signal}: ${(r.stderr ?? "").trim().split("\n").slice(-6).join(" | ")}` }, peakRssKiB: null };
  const peak = withTime ? Number(readFileSync(timeOut, "utf8").trim().split("\n").at(-1)) : null;
  return { run: JSON.parse(readFileSync(out, "utf8")) as QueryRun, peakRssKiB: peak };
};

/** Generates the inputs once, runs every query on every runner and checks each final view against the DirectRunner's. */
export const runTable = async (opts: TableOptions): Promise<Row[]> => {
  const dir = mkdtempSync(join(tmpdir(), "lockstep-bench-nexmark-queries-"));
  try {
    const files = new Map<number, string>();
    const fileOf = async (n: number): Promise<string> => {
      let f = files.get(n);
      if (!f) {
        f = join(dir, `events-${n}.jsonl`);
        await writeNexmarkFile(nexmarkConfig({ events: n }), f);
        files.set(n, f);
      }
      return f;
    };
    const rows: Row[] = [];
    for (const query of opts.queries) {
      // The DirectRunner's digest on each input size: what the other runners must match.
      const reference = new Map<number, string | undefined>();
      const plan: { runner: RunnerName; events: number }[] = [];
      for (const runner of opts.runners) plan.push({ runner, events: runner === "kafka" ? opts.kafkaEvents : opts.events });
      // Every size some runner reads gets a DirectRunner run first (listed when Direct is measured, else only a reference).
      const sizes = [...new Set(plan.map((p) => p.events))];
      const ordered = [...sizes.map((events) => ({ runner: "direct" as const, events })), ...plan.filter((p) => p.runner !== "direct")];
      for (const { runner, events } of ordered) {
        const file = await fileOf(events);
        const brokers = runner === "kafka" ? opts.brokers : undefined;
        const { run, peakRssKiB } = opts.inProcess
          ? await timeQuery(runner, query, file, brokers).then(
              (r) => ({ run: r as QueryRun | { error: string }, peakRssKiB: null }),
              (e: Error) => ({ run: { error: e.message }, peakRssKiB: null }),
            )
          : spawnRun(runner, query, file, dir, brokers);
        const digest = "digest" in run ? run.digest : undefined;
        if (runner === "direct") reference.set(events, digest);
        const ref = reference.get(events);
        const agrees = runner === "direct" || digest === undefined || ref === undefined ? null : digest === ref;
        const row: Row = { query, runner, events, run, peakRssKiB, agrees };
        rows.push(row);
        opts.onRow?.(row);
      }
    }
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

const int = (x: number) => Math.round(x).toLocaleString("en-US");

/** The table of runs as Markdown. */
export const formatRows = (rows: readonly Row[]): string => {
  const lines = [
    "| query | runner | events | wall s | CPU s | events/s | events per CPU-s | peak RSS MiB | output rows | final view = Direct's |",
    "|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
  ];
  for (const r of rows) {
    const rss = r.peakRssKiB === null ? "—" : int(r.peakRssKiB / 1024);
    if ("error" in r.run) {
      lines.push(`| ${r.query} | ${r.runner} | ${int(r.events)} | — | — | — | — | ${rss} | — | failed: ${r.run.error.replaceAll("|", "/")} |`);
      continue;
    }
    const { wallS, cpuS, outputRows } = r.run;
    const agree = r.agrees === null ? "(reference)" : r.agrees ? "yes" : "**NO**";
    lines.push(
      `| ${r.query} | ${r.runner} | ${int(r.events)} | ${wallS.toFixed(2)} | ${cpuS.toFixed(2)} | ${int(r.events / wallS)} | ${int(r.events / cpuS)} | ${rss} | ${int(outputRows)} | ${agree} |`,
    );
  }
  return lines.join("\n");
};

/** Per query: each runner's events per CPU-second next to the published figures. */
export const formatSummary = (rows: readonly Row[], opts: Pick<TableOptions, "events" | "kafkaEvents" | "runners">): string => {
  const queries = [...new Set(rows.map((r) => r.query))];
  const size = (runner: RunnerName) => (runner === "kafka" ? opts.kafkaEvents : opts.events);
  const head = opts.runners.map((r) => `${r} ev/CPU-s`);
  const lines = [`| query | ${head.join(" | ")} | Flink 1.13 ev/s/core (published) | Beam Java DirectRunner ev/s (published, cores not stated) |`];
  lines.push(`|---|${opts.runners.map(() => "---:").join("|")}|---:|---:|`);
  for (const q of queries) {
    const cells = opts.runners.map((runner) => {
      const r = rows.find((x) => x.query === q && x.runner === runner && x.events === size(runner));
      return !r || "error" in r.run ? "—" : int(r.events / r.run.cpuS);
    });
    const flink = FLINK_PER_CORE[q];
    const beam = BEAM_DIRECT_EVENTS_PER_S[q];
    lines.push(`| ${q} | ${cells.join(" | ")} | ${flink === undefined ? "not run" : int(flink)} | ${beam === undefined ? "—" : int(beam)} |`);
  }
  return lines.join("\n");
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { values } = parseArgs({
    options: {
      events: { type: "string", default: "1000000" },
      "kafka-events": { type: "string", default: "200000" },
      queries: { type: "string", default: Object.keys(QUERIES).join(",") },
      runners: { type: "string", default: RUNNERS.join(",") },
    },
  });
  const events = Number(values.events);
  const kafkaEvents = Number(values["kafka-events"]);
  const queries = values.queries.split(",");
  const runners = values.runners.split(",") as RunnerName[];
  const bad = [...queries.filter((q) => !QUERIES[q]), ...runners.filter((r) => !(RUNNERS as readonly string[]).includes(r))];
  if (bad.length > 0 || !(events > 0) || !(kafkaEvents > 0)) {
    console.error(
      `bad arguments${bad.length ? `: ${bad.join(", ")}` : ""} (queries: ${Object.keys(QUERIES).join(",")}; runners: ${RUNNERS.join(",")}; counts > 0)`,
    );
    process.exit(2);
  }
  let broker: { brokers: string; stop(): Promise<void> } | undefined;
  if (runners.includes("kafka")) {
    const { startBroker } = await import("../scripts/kafka/broker.ts");
    broker = process.env.KAFKA_BROKERS ? { brokers: process.env.KAFKA_BROKERS, stop: async () => {} } : await startBroker();
  }
  const load = () =>
    loadavg()
      .map((x) => x.toFixed(2))
      .join(", ");
  const loadBefore = load();
  const t0 = performance.now();
  try {
    const rows = await runTable({
      events,
      kafkaEvents,
      queries,
      runners,
      brokers: broker?.brokers.split(","),
      onRow: (r) => console.error(formatRows([r]).split("\n").at(-1)),
    });
    console.log(
      `node ${process.version}, ${new Date().toISOString()}, ${events} events (Kafka: ${kafkaEvents}, 3 partitions, broker on this machine), load average ${loadBefore} before, ${load()} after, ${((performance.now() - t0) / 1000).toFixed(0)} s in all\n`,
    );
    console.log(formatRows(rows));
    console.log();
    console.log(formatSummary(rows, { events, kafkaEvents, runners }));
    if (rows.some((r) => r.agrees === false || "error" in r.run)) process.exitCode = 1;
  } finally {
    await broker?.stop();
  }
}
