/**
 * A real enrichment service for the service tests and the fault suite: an
 * HTTP server (node:http on 127.0.0.1) answering the city of an ip, which can
 * fail (HTTP 500) or hang (never answers; the caller's timeout decides) on
 * chosen attempts, or be down (HTTP 503) for every call; it counts the
 * requests it holds open at once. Also the client the pipeline binds (fetch;
 * 5xx and a refused connection are "unavailable") and a pipeline that
 * enriches every event through it, then totals per city.
 *
 * No vitest imports: test/faults/runner-process.ts loads this module in a
 * child process (its `registry` export binds the client to GEO_URL).
 *
 * @module
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import * as t from "io-ts";
import * as L from "../../dsl/index.ts";
import type { ServiceCall, ServiceClient } from "../../dsl/index.ts";
import type { Json } from "../../src/expr/ast.ts";

/** An event to enrich: user `user` saw something from `ip`. */
export const GeoEvent = t.type({ id: t.string, user: t.string, ip: t.string, n: t.number });
type GeoEvent = t.TypeOf<typeof GeoEvent>;

/** Adds the ip's city, asked of the `geo` service. */
export const geoEnrich = L.executor<GeoEvent, GeoEvent & { city: string }>("geoEnrich", 1, {
  uses: ["geo"],
  enrich: async (e, ctx) => ({ ...e, city: String(await ctx.call("geo", { ip: e.ip })) }),
});

/** The service policy of {@link geoTotals}: a short timeout, retries enough for the faults the tests inject, four calls in flight. */
export const GEO_POLICY = { timeoutMs: 400, retries: 3, backoffMs: 10, concurrency: 4, cacheSize: 0 } as const;

/**
 * Events enriched with their city, then running totals per city (a global window with a pane after
 * every element, so an unbounded run's final view is the DirectRunner's). Keyed by user at the
 * source and by city after the enrichment: a repartition.
 */
export const geoTotals = L.pipeline("geo-totals", { version: 1, services: { geo: GEO_POLICY } }, ({ source, sink }) =>
  L.pipe(
    source("events", GeoEvent, { key: "user" }),
    L.apply(geoEnrich),
    L.keyBy("city"),
    L.window(L.global(), { trigger: { early: { every: 1 } } }),
    L.combine({ count: L.count(), total: L.sum("n") }),
    sink("byCity"),
  ),
);
export default geoTotals;

/** FNV-1a of a string: a small deterministic hash for cities and fault plans. */
const fnv = (s: string): number => {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
};

/** The city the service answers for an ip (a function of the request: parity holds). */
export const cityOf = (ip: string): string => `city-${fnv(ip) % 7}`;

/** Seeded events: `n` events of 5 users, each from its own ip. */
export const geoEvents = (seed: number, n: number): GeoEvent[] =>
  Array.from({ length: n }, (_, i) => ({ id: `e${i}`, user: `u${fnv(`${seed}:${i}`) % 5}`, ip: `10.0.${seed % 256}.${i}`, n: fnv(`${seed}/${i}`) % 100 }));

/** What the service does with one attempt: answer, fail with a 500, or hang (never answer). */
export type Behaviour = "ok" | "500" | "hang";

/**
 * A seeded fault plan: each ip fails its first 0–2 attempts (never more than GEO_POLICY.retries,
 * so retries always get an answer), each failure a 500 or a hang.
 */
export const flakyPlan =
  (seed: number) =>
  (ip: string, attempt: number): Behaviour => {
    const h = fnv(`${seed}|${ip}`);
    const failures = h % 3;
    if (attempt >= failures) return "ok";
    return (h >>> (8 + attempt)) & 1 ? "hang" : "500";
  };

/** A running geo service. */
export interface GeoServer {
  readonly url: string;
  readonly port: number;
  /** Requests received (answered or not). */
  readonly requests: () => number;
  /** Requests received while down (answered 503). */
  readonly downRequests: () => number;
  /** Requests open right now, and the most ever open at once (until the response ended or the connection closed). */
  readonly inFlight: () => number;
  readonly maxInFlight: () => number;
  /** Down: every call gets a 503 until set up again. */
  setDown(down: boolean): void;
  close(): Promise<void>;
}

/** Starts the geo service on 127.0.0.1 (a free port unless given); `plan` decides each attempt (healthy by default). */
export const startGeoServer = async (plan: (ip: string, attempt: number) => Behaviour = () => "ok", port = 0): Promise<GeoServer> => {
  let requests = 0;
  let downRequests = 0;
  let open = 0;
  let maxOpen = 0;
  let down = false;
  const attempts = new Map<string, number>();
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    requests++;
    open++;
    maxOpen = Math.max(maxOpen, open);
    let closed = false;
    res.once("close", () => {
      if (!closed) open--;
      closed = true;
    });
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (d: string) => (body += d));
    req.on("end", () => {
      if (down) {
        downRequests++;
        res.writeHead(503).end("down");
        return;
      }
      let ip: string;
      try {
        ip = String((JSON.parse(body) as { ip: unknown }).ip);
      } catch {
        res.writeHead(400).end("bad request");
        return;
      }
      const attempt = attempts.get(ip) ?? 0;
      attempts.set(ip, attempt + 1);
      const what = plan(ip, attempt);
      if (what === "500") res.writeHead(500).end("failed");
      else if (what === "ok") res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(cityOf(ip)));
      // "hang": no answer; the request stays open until the caller gives up (closes it) or the server closes.
    });
  };
  const server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const actual = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${actual}/geo`,
    port: actual,
    requests: () => requests,
    downRequests: () => downRequests,
    inFlight: () => open,
    maxInFlight: () => maxOpen,
    setDown: (d) => void (down = d),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

/** An error of the service rather than of the request: the engine never dead-letters an element for it. */
const unavailable = (message: string, cause?: unknown): Error => Object.assign(new Error(message, { cause }), { unavailable: true });

/**
 * The geo client over HTTP (fetch): POSTs the request, returns the JSON answer. A 5xx or a
 * connection that fails is the service being unavailable; another non-2xx is an error of the
 * request. The engine's signal aborts an attempt it has timed out.
 */
export const httpGeoClient =
  (url: string): ServiceClient =>
  async (request: Json, call?: ServiceCall) => {
    let res: Response;
    try {
      res = await fetch(url, {
        method: "POST",
        body: JSON.stringify(request),
        headers: { "content-type": "application/json" },
        ...(call?.signal ? { signal: call.signal } : {}),
      });
    } catch (e) {
      if ((e as Error)?.name === "AbortError") throw e;
      throw unavailable(`geo service unreachable: ${(e as Error)?.message}`, e);
    }
    if (res.status >= 500) throw unavailable(`geo service answered ${res.status}`);
    if (!res.ok) throw new Error(`geo service refused the request: ${res.status}`);
    return (await res.json()) as Json;
  };

/** The registry runner-process.ts binds: the geo client on GEO_URL (set by the test that starts it). */
export const registry = process.env.GEO_URL ? L.createRegistry([geoEnrich], { geo: httpGeoClient(process.env.GEO_URL) }) : undefined;
