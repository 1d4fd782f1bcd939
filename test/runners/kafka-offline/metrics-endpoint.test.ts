/**
 * The Kafka runner's HTTP endpoint (prom-client) on a real server on
 * 127.0.0.1, fed by a metrics source as a running instance exposes it — no
 * broker needed (test/runners/kafka/metrics.test.ts scrapes a real runner).
 */
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { newMetrics } from "../../../src/engine/operator.ts";
import { serveMetrics } from "../../../runners/kafka/metrics.ts";
import type { MetricsSource } from "../../../runners/kafka/metrics.ts";

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

/** A source as a KafkaStreamInstance is one: running totals, recent commits, lag, commit listeners, fatal error. */
const source = () => {
  const listeners: ((ms: number, records: number) => void)[] = [];
  let failure: unknown;
  const src = {
    metrics: { events: { ...newMetrics(), in: 4, out: 3, deadLetters: 1 }, 'odd"stage': { ...newMetrics(), in: 2 } },
    commitMs: [12, 30, 7],
    lag: async () => [{ topic: "app.events", partition: 2, lag: 17 }],
    onCommit: (l: (ms: number, records: number) => void) => void listeners.push(l),
    error: () => failure,
  } satisfies MetricsSource;
  return { src, commit: (ms: number, records: number) => listeners.forEach((l) => l(ms, records)), fail: (e: unknown) => void (failure = e) };
};

const serve = async (src: MetricsSource): Promise<string> => {
  const server = await serveMetrics(0, src);
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

const lines = (text: string) => text.split("\n");

describe("metrics endpoint (prom-client)", () => {
  it("serves per-stage counters, lag, commit histograms with _sum/_count, and process metrics", async () => {
    const s = source();
    const url = await serve(s.src);
    s.commit(250, 300); // binary fractions of a second: the sum is exact
    s.commit(500, 5);
    const res = await fetch(`${url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = lines(await res.text());
    expect(text).toContain("# TYPE lockstep_records_in_total counter");
    expect(text).toContain('lockstep_records_in_total{stage="events"} 4');
    expect(text).toContain('lockstep_records_in_total{stage="odd\\"stage"} 2'); // label values escaped
    expect(text).toContain('lockstep_records_out_total{stage="events"} 3');
    expect(text).toContain('lockstep_dead_letters_total{stage="events"} 1');
    expect(text).toContain('lockstep_consumer_lag{topic="app.events",partition="2"} 17');
    expect(text).toContain("# TYPE lockstep_commit_duration_seconds histogram");
    expect(text).toContain('lockstep_commit_duration_seconds_bucket{le="0.1"} 0');
    expect(text).toContain('lockstep_commit_duration_seconds_bucket{le="0.25"} 1');
    expect(text).toContain('lockstep_commit_duration_seconds_bucket{le="0.5"} 2');
    expect(text).toContain('lockstep_commit_duration_seconds_bucket{le="+Inf"} 2');
    expect(text).toContain("lockstep_commit_duration_seconds_sum 0.75");
    expect(text).toContain("lockstep_commit_duration_seconds_count 2");
    expect(text).toContain("lockstep_commit_records_sum 305");
    expect(text).toContain("lockstep_commit_records_count 2");
    // the last commits' order statistics, as the first endpoint served them
    expect(text).toContain('lockstep_commit_latency_ms{quantile="0.5"} 12');
    expect(text).toContain('lockstep_commit_latency_ms{quantile="0.99"} 30');
    // prom-client's default process metrics
    for (const m of ["process_cpu_user_seconds_total", "process_resident_memory_bytes", "nodejs_eventloop_lag_seconds", "nodejs_heap_size_used_bytes"]) {
      expect(
        text.some((l) => l.startsWith(`${m} `)),
        m,
      ).toBe(true);
    }
  });

  it("answers /healthz with 200 while running and 503 with the error after a fatal one; 404 elsewhere", async () => {
    const s = source();
    const url = await serve(s.src);
    const ok = await fetch(`${url}/healthz`);
    expect([ok.status, await ok.json()]).toEqual([200, { status: "ok" }]);
    s.fail(new Error("broker gone"));
    const bad = await fetch(`${url}/healthz`);
    expect([bad.status, await bad.json()]).toEqual([503, { status: "failed", error: "broker gone" }]);
    expect((await fetch(`${url}/other`)).status).toBe(404);
  });

  it("keeps the series of two endpoints in one process apart", async () => {
    const a = source();
    const b = source();
    b.src.metrics.events.in = 99;
    const [ua, ub] = [await serve(a.src), await serve(b.src)];
    expect(lines(await (await fetch(`${ua}/metrics`)).text())).toContain('lockstep_records_in_total{stage="events"} 4');
    expect(lines(await (await fetch(`${ub}/metrics`)).text())).toContain('lockstep_records_in_total{stage="events"} 99');
  });
});
