/**
 * The node:http fast path (src/serve/fast-path.ts) answers exactly what the hono route answers: two
 * real servers on 127.0.0.1 over the same store, one with the fast path (the default) and one with
 * every request through hono (`fastPath: false`), asked the same raw HTTP/1.1 requests over a socket.
 * The whole response — status line, every header in order (the Date header's value aside), body —
 * must be byte-identical, for hits, misses, bad keys and parameters, request stages that change the
 * rows or fail, executors, HEAD and the forms the fast path leaves to hono; and the request counters
 * in /metrics must agree after the same requests.
 */
import { connect } from "node:net";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import * as t from "io-ts";
import { describe, expect, it } from "vitest";
import * as L from "../../dsl/index.ts";
import { createRegistry } from "../../src/registry/registry.ts";
import { takesFastPath } from "../../src/serve/fast-path.ts";
import userSequences from "../../examples/user-sequences.ts";
import windowCount from "../../examples/window-count.ts";
import { repo, serverOf, storeOf, tempDir } from "./helpers.ts";
import type { Stored } from "./helpers.ts";

const dir = tempDir();

/** One raw HTTP/1.1 request (the request target sent as given, unnormalised); the whole response as text. */
const raw = (port: number, method: string, target: string): Promise<string> =>
  new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    socket.on("data", (d) => chunks.push(d));
    socket.on("error", reject);
    socket.on("end", () => resolve(Buffer.concat(chunks).toString("latin1")));
    socket.write(`${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
  });

/** The response without its Date header's value (the only part that depends on when it was sent). */
const timeless = (response: string): string => response.replace(/\r\nDate: [^\r]*\r\n/, "\r\nDate: -\r\n");

/** Both servers of one store: with the fast path and hono only. */
const pair = async (stored: Stored) => ({ fast: await serverOf(stored), hono: await serverOf({ ...stored, fastPath: false }) });

/** Asks both servers `method target` and expects the same bytes; returns the fast server's response. */
const same = async (servers: Awaited<ReturnType<typeof pair>>, method: string, target: string): Promise<string> => {
  const a = timeless(await raw(servers.fast.port, method, target));
  const b = timeless(await raw(servers.hono.port, method, target));
  expect(a, `${method} ${target}`).toBe(b);
  return a;
};

/** The request counters of a server's /metrics (latencies differ between runs; counts must not). */
const counters = async (port: number): Promise<string[]> =>
  (await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()).split("\n").filter((l) => l.startsWith("lockstep_serve_requests_total{"));

const statusOf = (response: string) => Number(response.slice(9, 12));
const bodyOf = (response: string) => response.slice(response.indexOf("\r\n\r\n") + 4);

describe("the fast path answers the same bytes as the hono route", async () => {
  const seq = await pair(
    await storeOf(userSequences, { events: repo("examples/data/events.jsonl"), items: repo("examples/data/items.jsonl") }, join(dir, "seq")),
  );
  const users = ["u1", "u2", "u3"];
  const hide = encodeURIComponent('["view"]');

  it("hits, with request stages that change nothing, change the rows or fail, cached and not", async () => {
    const host = `127.0.0.1:${seq.fast.port}`;
    for (const u of users) {
      for (const query of ["", "?limit=1000", "?limit=2", `?limit=2&hide=${hide}`, `?hide=${hide}`, "?limit=0", "?limit=1&limit=2", "?limit=-1"]) {
        const target = `/v1/sequences/${u}${query}`;
        expect(takesFastPath("GET", host, target), target).toBe(true);
        // Twice: the second is answered from the answer cache.
        const first = await same(seq, "GET", target);
        expect(await same(seq, "GET", target)).toBe(first);
        expect(first).toMatch(/\r\ncontent-type: application\/json\r\n/);
        expect(first).toMatch(/\r\nContent-Length: \d+\r\n/);
        expect(statusOf(first)).toBe(query === "?limit=-1" ? 500 : 200);
      }
    }
    const hit = await same(seq, "GET", "/v1/sequences/u1");
    expect(JSON.parse(bodyOf(hit)).key).toEqual({ userId: "u1" });
  });

  it("misses, unknown sinks, bad keys and bad parameters", async () => {
    const host = `127.0.0.1:${seq.fast.port}`;
    const cases: [string, number][] = [
      ["/v1/sequences/nobody", 404],
      ["/v1/sequences/u1/", 404], // the key is "u1/"
      ["/v1/nope/u1", 404],
      ["/v1/sequences/u1?limt=3", 400],
      ["/v1/sequences/u1?limit=abc", 400],
      ["/v1/sequences/u1?limit=2+1", 400], // "+" is a space in a query, as hono reads it
      ["/v1/sequences/a+b", 404], // … and not in a path
      ["/v1/sequences/{userId", 400], // a key starting with "{" that is not JSON
      ["/v1/sequences:batchGet/u1", 404],
    ];
    for (const [target, status] of cases) {
      expect(takesFastPath("GET", host, target), target).toBe(!target.includes("{"));
      expect(statusOf(await same(seq, "GET", target)), target).toBe(status);
    }
  });

  it("the forms left to hono: percent-encoded keys, dot segments, HEAD, other routes", async () => {
    const host = `127.0.0.1:${seq.fast.port}`;
    const json = encodeURIComponent(JSON.stringify({ userId: "u1" }));
    const cases: [string, string, number][] = [
      ["GET", `/v1/sequences/${json}`, 200],
      ["GET", `/v1/sequences/${encodeURIComponent('{"user":"u1"}')}`, 400],
      ["GET", "/v1/sequences/u%31", 200], // "u1", percent-encoded
      ["GET", "/v1/sequences/%zz", 404],
      ["GET", "/v1/sequences/./u1", 200], // hono sees /v1/sequences/u1 after URL normalisation
      ["GET", "/v1/sequences/", 404],
      ["GET", "/v1/sequences", 404],
      ["HEAD", "/v1/sequences/u1", 200],
      ["HEAD", "/v1/sequences/nobody", 404],
      ["GET", "/healthz", 200],
      ["POST", "/v1/sequences/u1", 404],
    ];
    for (const [method, target, status] of cases) {
      expect(takesFastPath(method, host, target), `${method} ${target}`).toBe(false);
      const r = await same(seq, method, target);
      expect(statusOf(r), `${method} ${target}`).toBe(status);
      if (method === "HEAD") expect(bodyOf(r)).toBe("");
    }
    // A Host node-server would re-parse is left to hono too.
    expect(takesFastPath("GET", "localhost:80", "/v1/sequences/u1")).toBe(false);
    expect(takesFastPath("GET", undefined, "/v1/sequences/u1")).toBe(false);
  });

  it("the request counters agree after the same requests", async () => {
    expect(await counters(seq.fast.port)).toEqual(await counters(seq.hono.port));
  });

  it("a sink without request stages and a multi-field key", async () => {
    const counts = await pair(await storeOf(windowCount, { events: repo("examples/data/window-events.jsonl") }, join(dir, "counts")));
    const key = encodeURIComponent(JSON.stringify({ key: "a", windowStart: 0, windowEnd: 10_000 }));
    expect(statusOf(await same(counts, "GET", `/v1/counts/${key}`))).toBe(200);
    expect(statusOf(await same(counts, "GET", "/v1/counts/a"))).toBe(400); // plain text for a three-field key: the fast path
    expect(statusOf(await same(counts, "GET", "/v1/counts/a?x=1"))).toBe(400);
  });

  it("an executor at request time: its answers and its failure", async () => {
    const picky = L.executor("picky", 1, {
      featurize: (r: { id: string; total: number }) => {
        if (r.total === 13) throw new Error("thirteen is unlucky");
        return { ...r, checked: true };
      },
    });
    const p = L.pipeline("totals", { version: 1 }, ({ source, sink }) =>
      L.pipe(
        source("rows", t.type({ id: t.string, n: t.number })),
        L.keyBy("id"),
        L.combine({ total: L.sum("n") }),
        sink("totals", { serve: L.serve(t.partial({ min: t.number }), () => [L.serving.apply(picky)]) }),
      ),
    );
    const file = join(dir, "rows.jsonl");
    writeFileSync(file, '{"id":"a","n":1}\n{"id":"b","n":13}\n');
    const totals = await pair(await storeOf(p, { rows: file }, join(dir, "totals"), createRegistry([picky])));
    expect(statusOf(await same(totals, "GET", "/v1/totals/a"))).toBe(200);
    expect(statusOf(await same(totals, "GET", "/v1/totals/b"))).toBe(500);
    expect(statusOf(await same(totals, "GET", "/v1/totals/a?min=1"))).toBe(200);
  });
});
