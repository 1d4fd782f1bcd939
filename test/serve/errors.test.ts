import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import * as t from "io-ts";
import { describe, expect, it } from "vitest";
import * as L from "../../dsl/index.ts";
import { compile, registryOf } from "../../src/plan/index.ts";
import { createRegistry } from "../../src/registry/registry.ts";
import { startServer } from "../../src/serve/server.ts";
import { StoreError } from "../../src/store/index.ts";
import userSequences from "../../examples/user-sequences.ts";
import windowCount from "../../examples/window-count.ts";
import { getJson, postJson, repo, serverOf, storeOf, tempDir, until } from "./helpers.ts";

const dir = tempDir();
const Row = t.type({ id: t.string, n: t.number });

/** Releases the pending `slow` service calls. */
let release: () => void = () => {};
const gate = () => new Promise<void>((r) => (release = r));
let pending = gate();

/** Throws at request time for n = 13; enriches through a service that waits for the test's gate. */
const picky = L.executor("picky", 1, {
  featurize: (r: { id: string; total: number }) => {
    if (r.total === 13) throw new Error("thirteen is unlucky");
    return { ...r, checked: true };
  },
});
const slow = L.executor("slow", 1, { uses: ["gate"], enrich: async (r: { id: string }, ctx) => ({ ...r, gate: await ctx.call("gate", r.id) }) });

const totals = (stage: L.ServingStage) =>
  L.pipeline("totals", { version: 1, services: { gate: { timeoutMs: 60_000, retries: 0 } } }, ({ source, sink }) =>
    L.pipe(
      source("rows", Row),
      L.keyBy("id"),
      L.combine({ total: L.sum("n") }),
      sink("totals", { serve: L.serve(t.partial({ min: t.number }), () => [stage]) }),
    ),
  );

const rowsFile = join(dir, "rows.jsonl");
writeFileSync(
  rowsFile,
  [
    { id: "a", n: 1 },
    { id: "b", n: 13 },
    { id: "c", n: 2 },
  ]
    .map((r) => JSON.stringify(r))
    .join("\n") + "\n",
);

describe("bad requests get clear JSON errors", async () => {
  const stored = await storeOf(userSequences, { events: repo("examples/data/events.jsonl"), items: repo("examples/data/items.jsonl") }, join(dir, "seq"));
  const server = await serverOf(stored);
  const user = (stored.result.outputs.sequences![0] as { userId: string }).userId;

  it("404 for an unknown sink, a missing key and an unknown route", async () => {
    expect(await getJson(server.url, "/v1/nope/u1")).toEqual({
      status: 404,
      body: { error: { code: "unknown_sink", message: '"user-sequences" has no sink "nope" (it serves sequences)' } },
    });
    const missing = await getJson(server.url, "/v1/sequences/nobody");
    expect(missing).toEqual({ status: 404, body: { error: { code: "not_found", message: 'sink "sequences" has no rows for the key {"userId":"nobody"}' } } });
    expect((await getJson(server.url, "/v2/x")).status).toBe(404);
  });

  it("400 naming the parameter: wrong type, unknown name; 400 for a malformed key", async () => {
    const bad = await getJson(server.url, `/v1/sequences/${user}?limit=abc`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("bad_param");
    expect(bad.body.error.message).toContain('parameter "limit"');
    expect(bad.body.error.message).toContain('"abc"');
    const unknown = await getJson(server.url, `/v1/sequences/${user}?limt=3`);
    expect(unknown).toEqual({
      status: 400,
      body: { error: { code: "bad_param", message: 'sink "sequences": unknown parameter "limt" (the parameters are limit, hide)' } },
    });
    const notJson = await getJson(server.url, `/v1/sequences/${encodeURIComponent("{userId")}`);
    expect(notJson.status).toBe(400);
    expect(notJson.body.error.code).toBe("bad_key");
    const wrongFields = await getJson(server.url, `/v1/sequences/${encodeURIComponent('{"user":"u1"}')}`);
    expect(wrongFields.body.error.message).toContain('the key lacks "userId"');
  });

  it("a negative limit is a 500 naming the stage, and the server keeps answering", async () => {
    const r = await getJson(server.url, `/v1/sequences/${user}?limit=-1`);
    expect(r.status).toBe(500);
    expect(r.body.error).toMatchObject({ code: "stage_failed", stage: "stages[1] (limit)" });
    expect((await getJson(server.url, `/v1/sequences/${user}?limit=1`)).status).toBe(200);
  });

  it("batchGet: 400 for a body that is not JSON, keys that are not an array, a bad key (with its index) and bad params", async () => {
    expect((await postJson(server.url, "/v1/sequences:batchGet", "{nope")).body.error.code).toBe("bad_body");
    expect((await postJson(server.url, "/v1/sequences:batchGet", { keys: "u1" })).body.error.code).toBe("bad_body");
    const badKey = await postJson(server.url, "/v1/sequences:batchGet", { keys: [user, 42] });
    expect(badKey.status).toBe(400);
    expect(badKey.body.error.message).toContain("keys[1]:");
    const badParams = await postJson(server.url, "/v1/sequences:batchGet", { keys: [user], params: { limit: "3" } });
    expect(badParams.status).toBe(400);
    expect(badParams.body.error.message).toContain('parameter "limit"');
    expect((await postJson(server.url, "/v1/sequences:get", { keys: [] })).status).toBe(404);
  });

  it("a multi-field key given as plain text is a 400 that shows the JSON form", async () => {
    const counts = await storeOf(windowCount, { events: repo("examples/data/window-events.jsonl") }, join(dir, "counts"));
    const s = await serverOf(counts);
    const r = await getJson(s.url, "/v1/counts/a");
    expect(r.status).toBe(400);
    expect(r.body.error.message).toContain('write it as URL-encoded JSON {"key":…,"windowStart":…,"windowEnd":…}');
  });

  it("/metrics counts requests by route and status, with a latency histogram and the store's generation", async () => {
    await getJson(server.url, `/v1/sequences/${user}`);
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).toMatch(/lockstep_serve_requests_total\{route="get",status="200"\} [1-9]/);
    expect(text).toMatch(/lockstep_serve_requests_total\{route="get",status="404"\} [1-9]/);
    expect(text).toMatch(/lockstep_serve_request_duration_seconds_bucket\{le="0.001",route="get",status="200"\} \d+/);
    expect(text).toContain('lockstep_serve_store_generation{sink="sequences"} 1');
    expect(text).toMatch(/lockstep_serve_store_age_seconds\{sink="sequences"\} [\d.]+/);
    // A store filled by a batch snapshot has an age but no lag: no topic to be behind.
    expect(text).not.toMatch(/lockstep_serve_store_lag_records\{/);
  });

  it("/healthz says ok with the definition and the store's sinks", async () => {
    const h = await getJson(server.url, "/healthz");
    expect(h.status).toBe(200);
    expect(h.body).toMatchObject({ status: "ok", definition: { name: "user-sequences", hash: stored.plan.hash }, sinks: { sequences: { generation: 1 } } });
  });
});

describe("executors at request time", () => {
  it("an executor that throws is a 500 naming the stage; other keys are answered", async () => {
    const p = totals(L.serving.apply(picky));
    const stored = await storeOf(p, { rows: rowsFile }, join(dir, "picky"), createRegistry([picky]));
    const server = await serverOf(stored);
    expect(await getJson(server.url, "/v1/totals/a")).toEqual({ status: 200, body: { key: { id: "a" }, rows: [{ checked: true, id: "a", total: 1 }] } });
    const r = await getJson(server.url, "/v1/totals/b");
    expect(r.status).toBe(500);
    expect(r.body.error).toEqual({
      code: "stage_failed",
      stage: "stages[0] (apply)",
      message: 'sink "totals": serve.stages[0] (apply) failed: thirteen is unlucky',
    });
    expect((await getJson(server.url, "/v1/totals/c")).status).toBe(200);
  });

  it("enrich calls the pipeline's service under its policy; past the in-flight bound requests are shed with 503", async () => {
    const p = totals(L.serving.apply(slow));
    let calls = 0;
    const registry = createRegistry([slow], {
      gate: async (id) => {
        calls++;
        await pending;
        return `open:${id as string}`;
      },
    });
    const stored = await storeOf(p, { rows: rowsFile }, join(dir, "slow"), registry);
    const server = await startServer({ ...stored, port: 0, maxInFlight: 2 });
    try {
      const first = [fetch(`${server.url}/v1/totals/a`), fetch(`${server.url}/v1/totals/c`)];
      // Both wait on the gate (their service calls were made); a third request finds the bound reached.
      await until(async () => calls === 2);
      const shed = await getJson(server.url, "/v1/totals/b");
      expect(shed.status).toBe(503);
      expect(shed.body.error.code).toBe("overloaded");
      expect((await getJson(server.url, "/healthz")).status).toBe(200); // health is never shed
      release();
      const answers = await Promise.all(first.map(async (r) => (await r).json()));
      expect(answers).toEqual([
        { key: { id: "a" }, rows: [{ gate: "open:a", id: "a", total: 1 }] },
        { key: { id: "c" }, rows: [{ gate: "open:c", id: "c", total: 2 }] },
      ]);
      expect((await getJson(server.url, "/v1/totals/b")).status).toBe(200);
    } finally {
      release();
      pending = gate();
      await server.close();
    }
  });
});

describe("the store", () => {
  it("a server started before the store exists answers 503 until a run writes it", async () => {
    const d = join(dir, "later");
    const plan = compile(windowCount);
    const server = await serverOf({ plan, registry: registryOf(windowCount), store: d });
    const h = await getJson(server.url, "/healthz");
    expect(h.status).toBe(503);
    expect(h.body.message).toContain("no view store in");
    const key = encodeURIComponent(JSON.stringify({ key: "a", windowStart: 0, windowEnd: 10_000 }));
    const before = await getJson(server.url, `/v1/counts/${key}`);
    expect(before).toMatchObject({ status: 503, body: { error: { code: "store_not_ready" } } });
    await storeOf(windowCount, { events: repo("examples/data/window-events.jsonl") }, d);
    await until(async () => (await getJson(server.url, `/v1/counts/${key}`)).status === 200);
  });

  it("a snapshot written by another process while serving is answered from the next request on", async () => {
    const d = join(dir, "rewritten");
    const small = join(dir, "small.jsonl");
    writeFileSync(small, '{"key":"a","ts":1}\n');
    const first = await storeOf(windowCount, { events: small }, d);
    const server = await serverOf(first);
    const key = encodeURIComponent(JSON.stringify({ key: "a", windowStart: 0, windowEnd: 10_000 }));
    expect((await getJson(server.url, `/v1/counts/${key}`)).body.rows).toEqual([{ count: 1, key: "a", windowEnd: 10_000, windowStart: 0 }]);
    const more = join(dir, "more.jsonl");
    writeFileSync(more, '{"key":"a","ts":1}\n{"key":"a","ts":2}\n{"key":"a","ts":3}\n');
    const run = spawnSync(
      process.execPath,
      ["--import", "tsx", repo("src/cli/bin.ts"), "run", repo("examples/window-count.ts"), "--in", `events=${more}`, "--store", d, "-q"],
      {
        encoding: "utf8",
      },
    );
    expect(run.status).toBe(0);
    await until(async () => (await getJson(server.url, `/v1/counts/${key}`)).body.rows?.[0]?.count === 3);
    expect((await getJson(server.url, "/healthz")).body.sinks.counts.generation).toBe(2);
  });

  it("refuses to serve a store written for another definition", async () => {
    const d = join(dir, "other");
    await storeOf(windowCount, { events: repo("examples/data/window-events.jsonl") }, d);
    const other = compile(windowCount, { window: "fixed:5s" });
    await expect(startServer({ plan: other, registry: registryOf(windowCount), store: d, port: 0 })).rejects.toThrow(StoreError);
  });
});
