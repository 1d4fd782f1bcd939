/**
 * The HTTP endpoint of a running instance, through prom-client: `/metrics`
 * in the Prometheus text format — per-stage counters (records in/out, dead
 * letters, late drops, duplicates, expired, panes), consumer lag per input
 * partition, commit duration and size as histograms (`_bucket`, `_sum`,
 * `_count`), and prom-client's default process metrics (CPU, memory, event
 * loop lag, GC) — and `/healthz` (200 while the instance runs, 503 after a
 * fatal error).
 *
 * @module
 */
import { createServer } from "node:http";
import type { Server } from "node:http";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { StageMetrics } from "../../src/engine/operator.ts";

/** What the endpoint reports (a `KafkaStreamInstance` is one). */
export interface MetricsSource {
  /** Counters per stage, cumulative since the instance started. */
  readonly metrics: Readonly<Record<string, StageMetrics>>;
  /** Latencies (ms) of the last commits. */
  readonly commitMs: readonly number[];
  lag(): Promise<readonly { topic: string; partition: number; lag: number }[]>;
  /** Registers `listener` to be told each commit's duration (ms) and how many records it wrote. */
  onCommit?(listener: (ms: number, records: number) => void): void;
  /** The first fatal error, if any (then `/healthz` answers 503). */
  error?(): unknown;
  /** Changelog records read back to restore tasks: in full, and after checkpoints (state on disk). */
  readonly restored?: { readonly full: number; readonly tail: number };
}

const STAGE_COUNTERS: readonly [name: string, help: string, field: keyof StageMetrics][] = [
  ["lockstep_records_in_total", "Records a stage received.", "in"],
  ["lockstep_records_out_total", "Records a stage emitted.", "out"],
  ["lockstep_dead_letters_total", "Records a stage sent to the dead letters.", "deadLetters"],
  ["lockstep_late_total", "Elements a stage dropped as late.", "late"],
  ["lockstep_duplicates_total", "Elements a stage dropped as duplicates.", "duplicates"],
  ["lockstep_expired_total", "Elements a sequence dropped as older than its ttl.", "expired"],
  ["lockstep_panes_total", "Panes a keyed stage emitted.", "panes"],
];

/** The order statistic at `q` of the sorted values (the quantile a summary of the last commits shows). */
const quantileOf = (sorted: readonly number[], q: number): number => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : 0);

/**
 * A registry of the metrics of `src`, with the process's default metrics.
 * One per server: instances in one process (tests) do not share series.
 */
export const metricsRegistry = (src: MetricsSource): Registry => {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  for (const [name, help, field] of STAGE_COUNTERS) {
    // The instance keeps the running totals; each scrape copies them (prom-client's pull-style counters).
    new Counter({
      name,
      help,
      labelNames: ["stage"],
      registers: [registry],
      collect() {
        this.reset();
        for (const [stage, m] of Object.entries(src.metrics)) this.inc({ stage }, m[field]);
      },
    });
  }
  new Gauge({
    name: "lockstep_consumer_lag",
    help: "Records not yet processed per input partition.",
    labelNames: ["topic", "partition"],
    registers: [registry],
    async collect() {
      this.reset();
      for (const l of await src.lag()) this.set({ topic: l.topic, partition: String(l.partition) }, l.lag);
    },
  });
  const duration = new Histogram({
    name: "lockstep_commit_duration_seconds",
    help: "Time to commit a task's output, state and input offsets (a transaction under exactly-once).",
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const size = new Histogram({
    name: "lockstep_commit_records",
    help: "Records (outputs, repartition and changelog writes) written by one commit.",
    buckets: [1, 10, 100, 1000, 5000, 20000],
    registers: [registry],
  });
  src.onCommit?.((ms, records) => {
    duration.observe(ms / 1000);
    size.observe(records);
  });
  new Counter({
    name: "lockstep_restored_records_total",
    help: "Changelog records read back to restore tasks' state, by where the restore started (beginning: the whole changelog; checkpoint: the tail after a task's checkpoint, with --state lmdb).",
    labelNames: ["from"],
    registers: [registry],
    collect() {
      this.reset();
      this.inc({ from: "beginning" }, src.restored?.full ?? 0);
      this.inc({ from: "checkpoint" }, src.restored?.tail ?? 0);
    },
  });
  // Kept from the first endpoint for dashboards that read it: order statistics of the last commits.
  new Gauge({
    name: "lockstep_commit_latency_ms",
    help: "Commit latency (ms) over the last commits, by quantile (see lockstep_commit_duration_seconds for the histogram).",
    labelNames: ["quantile"],
    registers: [registry],
    collect() {
      const ms = [...src.commitMs].sort((a, b) => a - b);
      for (const q of [0.5, 0.99]) this.set({ quantile: String(q) }, Math.round(quantileOf(ms, q) * 10) / 10);
    },
  });
  return registry;
};

/** Serves `/metrics` and `/healthz` on `port` (127.0.0.1). */
export const serveMetrics = (port: number, src: MetricsSource): Promise<Server> => {
  const registry = metricsRegistry(src);
  return new Promise((resolve, reject) => {
    const server = createServer((req, res) => {
      const path = (req.url ?? "/").split("?")[0];
      if (path === "/healthz") {
        const failed = src.error?.();
        const body = failed === undefined ? { status: "ok" } : { status: "failed", error: (failed as Error)?.message ?? String(failed) };
        res.writeHead(failed === undefined ? 200 : 503, { "content-type": "application/json" }).end(JSON.stringify(body) + "\n");
        return;
      }
      if (path !== "/metrics") {
        res.writeHead(404).end("see /metrics and /healthz\n");
        return;
      }
      registry.metrics().then(
        (text) => res.writeHead(200, { "content-type": registry.contentType }).end(text),
        (e) => res.writeHead(500).end(String(e)),
      );
    });
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve(server));
  });
};
