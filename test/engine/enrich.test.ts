/**
 * A real local HTTP enrichment service (test/engine/enrich-service.ts, node:http
 * on 127.0.0.1) behind an executor's service calls, on the DirectRunner and the
 * Arquero runner: a service that fails (500) or hangs past the timeout on a
 * share of attempts gives, through the retries, the same result as a healthy
 * one; the calls open at the service at once never exceed the policy's
 * concurrency (a timed-out attempt is aborted, not left running); and a
 * service that is down fails a bounded run with the reason instead of
 * dead-lettering every element.
 */
import { afterEach, describe, expect, it } from "vitest";
import { runArquero } from "../../runners/arquero/index.ts";
import { runDirect } from "../../runners/direct/index.ts";
import * as L from "../../dsl/index.ts";
import { GEO_POLICY, type GeoServer, cityOf, flakyPlan, geoEnrich, geoEvents, geoTotals, httpGeoClient, startGeoServer } from "./enrich-service.ts";

const servers: GeoServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});
const serve = async (...args: Parameters<typeof startGeoServer>) => {
  const s = await startGeoServer(...args);
  servers.push(s);
  return s;
};
const registryFor = (s: GeoServer) => L.createRegistry([geoEnrich], { geo: httpGeoClient(s.url) });
const EVENTS = geoEvents(7, 120);

/** The totals per city computed here from the events and the service's rule, not by the code under test. */
const expectedTotals = () => {
  const by = new Map<string, { city: string; count: number; total: number }>();
  for (const e of EVENTS) {
    const city = cityOf(e.ip);
    const t = by.get(city) ?? { city, count: 0, total: 0 };
    t.count++;
    t.total += e.n;
    by.set(city, t);
  }
  return [...by.values()].sort((a, b) => (a.city < b.city ? -1 : 1));
};
const totals = (rows: readonly unknown[]) =>
  (rows as { city: string; count: number; total: number }[])
    .map(({ city, count, total }) => ({ city, count, total }))
    .sort((a, b) => (a.city < b.city ? -1 : 1));

describe.each([
  ["DirectRunner", runDirect],
  ["Arquero runner", runArquero],
] as const)("an HTTP enrichment service on %s", (_name, runner) => {
  it("healthy: every event enriched, no dead letters, calls in flight within the policy's concurrency", async () => {
    const s = await serve();
    const r = await runner(geoTotals, { inputs: { events: EVENTS }, registry: registryFor(s) });
    expect(totals(r.outputs.byCity!)).toEqual(expectedTotals());
    expect(r.deadLetters).toEqual([]);
    expect(s.requests()).toBeGreaterThanOrEqual(EVENTS.length);
    expect(s.maxInFlight()).toBeLessThanOrEqual(GEO_POLICY.concurrency);
  });

  it("failing (500) or hanging past the timeout on a share of attempts: the retries give the healthy result, in flight stays bounded", async () => {
    const plan = flakyPlan(11);
    const s = await serve(plan);
    const r = await runner(geoTotals, { inputs: { events: EVENTS }, registry: registryFor(s) });
    expect(r.deadLetters).toEqual([]);
    expect(totals(r.outputs.byCity!)).toEqual(expectedTotals());
    // Every failed attempt was retried: the plan's failures plus one answer per event reached the service.
    const failures = EVENTS.map((e) => [0, 1, 2].filter((a) => plan(e.ip, a) !== "ok").length);
    expect(failures.filter((f) => f > 0).length, "the plan fails a share of the calls").toBeGreaterThan(EVENTS.length / 3);
    expect(EVENTS.some((e) => plan(e.ip, 0) === "hang") && EVENTS.some((e) => plan(e.ip, 0) === "500")).toBe(true);
    expect(s.requests()).toBeGreaterThanOrEqual(EVENTS.length + failures.reduce((a, b) => a + b, 0));
    // A hung attempt was given up after timeoutMs and closed: the service never held more calls than the policy allows.
    expect(s.maxInFlight(), "calls open at the service at once").toBeLessThanOrEqual(GEO_POLICY.concurrency);
    expect(s.maxInFlight()).toBeGreaterThan(1);
  });

  it("down (503 on every call): the bounded run fails with the reason, no element is dead-lettered", async () => {
    const s = await serve();
    s.setDown(true);
    const err = await runner(geoTotals, { inputs: { events: EVENTS }, registry: registryFor(s) }).then(
      (r) => r,
      (e: unknown) => e as Error,
    );
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/service "geo" is unavailable after 4 attempt\(s\): geo service answered 503/);
    expect(s.maxInFlight()).toBeLessThanOrEqual(GEO_POLICY.concurrency);
  });
});
