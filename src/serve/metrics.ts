/**
 * The server's Prometheus metrics (prom-client, one registry per server):
 * requests by route and status, latency by route and status, and per sink the
 * store's generation, age (seconds since its last committed write: a snapshot
 * or a streaming commit) and, for a store kept by a streaming writer, its lag
 * (records of the sink topic not yet reflected, as of the writer's last
 * commit). The store's records are the only channel: the server never talks
 * to Kafka.
 *
 * @module
 */
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { recordsBehind } from "../store/index.ts";
import type { SinkRecord } from "../store/index.ts";

/** The metrics one server records. */
export interface ServeMetrics {
  readonly registry: Registry;
  /** Records one finished request. */
  observe(route: string, status: number, seconds: number): void;
}

/** Latency buckets (seconds): sub-millisecond lookups up to slow executor calls. */
const BUCKETS = [0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5];

/** Creates the metrics; `sinks` reads the store's records when /metrics is scraped. */
export const createServeMetrics = (sinks: () => Readonly<Record<string, SinkRecord>>): ServeMetrics => {
  const registry = new Registry();
  const requests = new Counter({
    name: "lockstep_serve_requests_total",
    help: "Requests answered, by route and HTTP status",
    labelNames: ["route", "status"],
    registers: [registry],
  });
  const latency = new Histogram({
    name: "lockstep_serve_request_duration_seconds",
    help: "Time from a request's arrival to its response, by route and HTTP status",
    labelNames: ["route", "status"],
    buckets: BUCKETS,
    registers: [registry],
  });
  new Gauge({
    name: "lockstep_serve_store_generation",
    help: "The store generation each sink's answers come from",
    labelNames: ["sink"],
    registers: [registry],
    collect() {
      this.reset();
      for (const [sink, r] of Object.entries(sinks())) this.set({ sink }, r.generation);
    },
  });
  new Gauge({
    name: "lockstep_serve_store_age_seconds",
    help: "Seconds since the store's last committed write to each sink",
    labelNames: ["sink"],
    registers: [registry],
    collect() {
      this.reset();
      for (const [sink, r] of Object.entries(sinks())) this.set({ sink }, (Date.now() - r.writtenAt) / 1000);
    },
  });
  new Gauge({
    name: "lockstep_serve_store_lag_records",
    help: "Records of each sink's topic the store did not reflect at its writer's last commit (high watermark minus applied offset, summed over partitions); absent for a batch snapshot",
    labelNames: ["sink"],
    registers: [registry],
    collect() {
      this.reset();
      for (const [sink, r] of Object.entries(sinks())) {
        const behind = recordsBehind(r);
        if (behind !== undefined) this.set({ sink }, behind);
      }
    },
  });
  // prom-client hashes a label object on every call: keep each (route, status)'s children instead.
  const children = new Map<string, { readonly requests: { inc(): void }; readonly latency: { observe(v: number): void } }>();
  return {
    registry,
    observe: (route, status, seconds) => {
      const id = `${route} ${status}`;
      let ch = children.get(id);
      if (ch === undefined) {
        const labels = { route, status: String(status) };
        ch = { requests: requests.labels(labels), latency: latency.labels(labels) };
        children.set(id, ch);
      }
      ch.requests.inc();
      ch.latency.observe(seconds);
    },
  };
};
