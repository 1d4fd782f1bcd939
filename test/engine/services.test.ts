/**
 * Services called from an executor's enrich hook (docs/semantics.md §5): the
 * pipeline's policy — timeout, retries with backoff, calls in flight, cache —
 * applied by the engine; a call that still fails is a dead letter; an
 * undeclared service is an error.
 */
import * as t from "io-ts";
import { describe, expect, it } from "vitest";
import * as L from "../../dsl/index.ts";
import type { ServiceClient, ServiceOptions } from "../../dsl/index.ts";
import type { Json } from "../../src/expr/ast.ts";
import { deadAt, run, sleep } from "./direct-harness.ts";

const Ev = t.intersection([t.type({ id: t.number, ip: t.string }), t.partial({ delay: t.number })]);
type Ev = t.TypeOf<typeof Ev>;

/** Looks up each element's ip in the `geo` service, after an optional delay. */
const geoEnrich = L.executor("geoEnrich", 1, {
  uses: ["geo"],
  enrich: async (e: Ev, ctx) => {
    if (e.delay) await sleep(e.delay);
    return { ...e, city: await ctx.call("geo", { ip: e.ip }) } as Ev;
  },
});

const def = (policy: ServiceOptions) =>
  L.pipeline("geo", { version: 1, services: { geo: policy } }, ({ source, sink }) => L.pipe(source("ev", Ev), L.apply(geoEnrich), sink("out")));

/** A client answering `city-<ip>` after `ms`, recording each request. */
const recording = (ms = 1) => {
  const calls: string[] = [];
  const client: ServiceClient = async (req: Json) => {
    const ip = (req as { ip: string }).ip;
    calls.push(ip);
    await sleep(ms);
    return `city-${ip}`;
  };
  return { calls, client };
};

const registry = (client: ServiceClient) => L.createRegistry([], { geo: client });

describe("services", () => {
  it("enriches through ctx.call; the cache answers repeated requests, even ones issued while the first is in flight", async () => {
    const ips = ["a", "b", "a", "a", "b", "c"];
    const input = ips.map((ip, i) => ({ id: i + 1, ip }));
    // Sorted by canonical JSON: city first, then id.
    const expected = [
      { id: 1, ip: "a", city: "city-a" },
      { id: 3, ip: "a", city: "city-a" },
      { id: 4, ip: "a", city: "city-a" },
      { id: 2, ip: "b", city: "city-b" },
      { id: 5, ip: "b", city: "city-b" },
      { id: 6, ip: "c", city: "city-c" },
    ];
    const cached = recording(5);
    const r = await run(def({ cacheSize: 100 }), { ev: input }, { registry: registry(cached.client) });
    expect(r.outputs.out).toEqual(expected);
    expect(cached.calls).toEqual(["a", "b", "c"]);
    const uncached = recording(5);
    const r2 = await run(def({ cacheSize: 0 }), { ev: input }, { registry: registry(uncached.client) });
    expect(r2.outputs.out).toEqual(expected);
    expect(uncached.calls).toEqual(ips);
  });

  it("the cache keeps the most recently used responses up to its size", async () => {
    // a at 0 ms, b at 30 ms, a again at 60 ms; each call takes 1 ms.
    const input = [
      { id: 1, ip: "a" },
      { id: 2, ip: "b", delay: 30 },
      { id: 3, ip: "a", delay: 60 },
    ];
    const one = recording();
    await run(def({ cacheSize: 1 }), { ev: input }, { registry: registry(one.client) });
    expect(one.calls).toEqual(["a", "b", "a"]); // b evicted a
    const two = recording();
    await run(def({ cacheSize: 2 }), { ev: input }, { registry: registry(two.client) });
    expect(two.calls).toEqual(["a", "b"]);
  });

  it("retries a failing call with exponential backoff", async () => {
    const at: number[] = [];
    const flaky: ServiceClient = async () => {
      at.push(performance.now());
      if (at.length <= 2) throw new Error("unavailable");
      return "paris";
    };
    const r = await run(def({ retries: 2, backoffMs: 20 }), { ev: [{ id: 1, ip: "a" }] }, { registry: registry(flaky) });
    expect(r.outputs.out).toEqual([{ id: 1, ip: "a", city: "paris" }]);
    expect(r.deadLetters).toEqual([]);
    expect(at).toHaveLength(3);
    // Waits of backoffMs · 2^(attempt − 1): 20 ms, then 40 ms (timers may fire up to 1 ms early).
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(19);
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(39);
  });

  it("a call that still fails after its retries sends the element to the dead letters, not a null", async () => {
    const calls: string[] = [];
    const down: ServiceClient = async (req) => {
      const ip = (req as { ip: string }).ip;
      calls.push(ip);
      if (ip === "bad") throw new Error("down");
      return `city-${ip}`;
    };
    const r = await run(
      def({ retries: 1, backoffMs: 1 }),
      {
        ev: [
          { id: 1, ip: "ok" },
          { id: 2, ip: "bad" },
        ],
      },
      { registry: registry(down) },
    );
    expect(r.outputs.out).toEqual([{ id: 1, ip: "ok", city: "city-ok" }]);
    expect(r.deadLetters).toEqual([
      {
        source: "ev",
        offset: 2,
        stage: "ev.apply",
        reason: 'executor geoEnrich@1 failed: service "geo" failed after 2 attempt(s): down',
        value: { id: 2, ip: "bad" },
      },
    ]);
    expect(calls.filter((c) => c === "bad")).toHaveLength(2);
  });

  it("times out each attempt after timeoutMs", async () => {
    const calls: string[] = [];
    const slow: ServiceClient = async (req) => {
      const ip = (req as { ip: string }).ip;
      calls.push(ip);
      await sleep(ip === "slow" ? 300 : 1);
      return `city-${ip}`;
    };
    const r = await run(
      def({ timeoutMs: 20, retries: 1, backoffMs: 1, cacheSize: 0 }),
      {
        ev: [
          { id: 1, ip: "slow" },
          { id: 2, ip: "fast" },
        ],
      },
      { registry: registry(slow) },
    );
    expect(r.outputs.out).toEqual([{ id: 2, ip: "fast", city: "city-fast" }]);
    expect(deadAt(r)).toEqual([["ev", 1, "ev.apply"]]);
    expect(r.deadLetters[0]!.reason).toBe('executor geoEnrich@1 failed: service "geo" failed after 2 attempt(s): timed out after 20 ms');
    expect(calls.filter((c) => c === "slow")).toHaveLength(2);
  });

  it("bounds the calls in flight by the policy's concurrency", async () => {
    let inFlight = 0;
    let most = 0;
    const client: ServiceClient = async (req) => {
      most = Math.max(most, ++inFlight);
      await sleep(10);
      inFlight--;
      return `city-${(req as { ip: string }).ip}`;
    };
    const input = Array.from({ length: 10 }, (_, i) => ({ id: i, ip: `ip${i}` }));
    const r = await run(def({ concurrency: 2 }), { ev: input }, { registry: registry(client) });
    // The executor starts all 10 at once (fewer than its own bound), so exactly 2 run at a time.
    expect(most).toBe(2);
    expect(r.outputs.out).toHaveLength(10);
  });

  it("an executor calling a service it did not declare fails the run", async () => {
    const sneaky = L.executor("sneaky", 1, { uses: ["geo"], enrich: async (e: Ev, ctx) => ({ ...e, x: await ctx.call("other", {}) }) });
    const p = L.pipeline("sneaky", { version: 1, services: { geo: {} } }, ({ source, sink }) => L.pipe(source("ev", Ev), L.apply(sneaky), sink("out")));
    await expect(run(p, { ev: [{ id: 1, ip: "a" }] }, { registry: registry(recording().client) })).rejects.toThrow(
      /executor sneaky@1 in stage "ev.apply" threw on the element at ev:1 .*called service "other" without declaring it/,
    );
  });

  it("an executor using a service the pipeline does not declare is a definition error", async () => {
    const p = L.pipeline("undeclared", { version: 1 }, ({ source, sink }) => L.pipe(source("ev", Ev), L.apply(geoEnrich), sink("out")));
    await expect(run(p, { ev: [{ id: 1, ip: "a" }] }, { registry: registry(recording().client) })).rejects.toThrow(
      /calls the service "geo", which the pipeline does not declare/,
    );
  });

  it("a declared service with no client bound fails the run on first use (not a dead letter per element)", async () => {
    await expect(run(def({}), { ev: [{ id: 1, ip: "a" }] })).rejects.toThrow(/no client is bound for service "geo"/);
  });
});
