/**
 * A Prometheus endpoint for a running instance: per-stage counters (records
 * in/out, dead letters, late drops, duplicates, panes), consumer lag per
 * input partition, and commit latency.
 *
 * @module
 */
import { createServer } from "node:http";
import type { Server } from "node:http";
import type { StageMetrics } from "../../src/engine/operator.ts";

/** What the endpoint reports. */
export interface MetricsSource {
  readonly metrics: Readonly<Record<string, StageMetrics>>;
  readonly commitMs: readonly number[];
  lag(): Promise<readonly { topic: string; partition: number; lag: number }[]>;
}

const esc = (s: string) => s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");

/** The text exposition of the current values. */
export const renderMetrics = async (src: MetricsSource): Promise<string> => {
  const lines: string[] = [];
  const counter = (name: string, help: string, field: keyof StageMetrics) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`);
    for (const [stage, m] of Object.entries(src.metrics)) lines.push(`${name}{stage="${esc(stage)}"} ${m[field]}`);
  };
  counter("lockstep_records_in_total", "Records a stage received.", "in");
  counter("lockstep_records_out_total", "Records a stage emitted.", "out");
  counter("lockstep_dead_letters_total", "Records a stage sent to the dead letters.", "deadLetters");
  counter("lockstep_late_total", "Elements a stage dropped as late.", "late");
  counter("lockstep_duplicates_total", "Elements a stage dropped as duplicates.", "duplicates");
  counter("lockstep_expired_total", "Elements a sequence dropped as older than its ttl.", "expired");
  counter("lockstep_panes_total", "Panes a keyed stage emitted.", "panes");
  lines.push("# HELP lockstep_consumer_lag Records not yet processed per input partition.", "# TYPE lockstep_consumer_lag gauge");
  for (const l of await src.lag()) lines.push(`lockstep_consumer_lag{topic="${esc(l.topic)}",partition="${l.partition}"} ${l.lag}`);
  const ms = [...src.commitMs].sort((a, b) => a - b);
  lines.push("# HELP lockstep_commit_latency_ms Commit latency over the last commits.", "# TYPE lockstep_commit_latency_ms summary");
  for (const q of [0.5, 0.99]) lines.push(`lockstep_commit_latency_ms{quantile="${q}"} ${ms.length ? ms[Math.min(ms.length - 1, Math.floor(q * ms.length))]!.toFixed(1) : 0}`);
  return lines.join("\n") + "\n";
};

/** Serves `/metrics` on `port` (127.0.0.1). */
export const serveMetrics = (port: number, src: MetricsSource): Promise<Server> =>
  new Promise((resolve, reject) => {
    const server = createServer((req, res) => {
      if (req.url !== "/metrics") {
        res.writeHead(404).end("see /metrics\n");
        return;
      }
      renderMetrics(src).then(
        (text) => res.writeHead(200, { "content-type": "text/plain; version=0.0.4" }).end(text),
        (e) => res.writeHead(500).end(String(e)),
      );
    });
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve(server));
  });
