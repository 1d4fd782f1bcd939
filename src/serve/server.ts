/**
 * `lockstep serve`: HTTP/JSON answers from the view store (docs/serving.md;
 * what an answer means: docs/semantics.md § "Serving"). Built on hono with
 * @hono/node-server; binds to 127.0.0.1 unless told otherwise.
 *
 * Routes:
 * - `GET /v1/<sink>/<key>?<params>` — one key (`keys.ts` for the key's forms);
 * - `POST /v1/<sink>:batchGet` with `{"keys": […], "params": {…}}` — many
 *   keys, all read from one store snapshot;
 * - `GET /healthz` — 200 when the store is open, else 503;
 * - `GET /metrics` — Prometheus text (`metrics.ts`).
 *
 * Errors are JSON `{"error": {"code", "message", …}}`: 404 unknown sink or
 * key, 400 bad key or parameter (the message names it), 500 a request stage
 * that failed (naming the stage), 503 store not ready or too many requests
 * in flight (shed, never queued without bound).
 *
 * What a request returns is decided here, once: {@link ServeApp.getOne} for
 * the hot request (`GET /v1/<sink>/<key>`), the hono app for everything.
 * {@link startServer} answers the plain forms of that GET straight on
 * node:http (`fast-path.ts`: no Web Request/Response objects), through the
 * same `getOne`, shedding and metrics as the hono route.
 *
 * @module
 */
import { getRequestListener } from "@hono/node-server";
import { Hono } from "hono";
import type { Context } from "hono";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { canonicalJson } from "../core/canonical.ts";
import type { Plan } from "../plan/ir.ts";
import type { Registry } from "../registry/registry.ts";
import { openViewStore, outputKeyFields, StoreError, storeExists } from "../store/index.ts";
import type { OutputKey, StoreIdentity, ViewReads, ViewStore } from "../store/index.ts";
import { keyOfJson, keyOfSegment } from "./keys.ts";
import { createServeMetrics } from "./metrics.ts";
import type { ServeMetrics } from "./metrics.ts";
import { paramsDecoder } from "./params.ts";
import type { ParamsDecoder } from "./params.ts";
import { answerCache } from "./answer-cache.ts";
import { fastPath } from "./fast-path.ts";
import type { GetOne, Reply, Status } from "./reply.ts";
import { compileStages, StageFailure } from "./stages.ts";
import type { RequestStages } from "./stages.ts";

/** What a server answers from. */
export interface ServeOptions {
  readonly plan: Plan;
  /** Executors and service clients for `apply` stages. */
  readonly registry: Registry;
  /** The view store directory (`lockstep run … --store DIR`). */
  readonly store: string;
  /** Requests in flight at once; more are answered 503 at once (default 1024). */
  readonly maxInFlight?: number;
  /** Keys in one batchGet (default 1000). */
  readonly maxBatch?: number;
  /**
   * Bytes of computed answers kept for reuse while their key's stored text is unchanged
   * (`answer-cache.ts`; default 64 Mi; 0 turns it off; `--answer-cache-mb` in units of 2^20). Only for sinks whose request stages are all
   * expressions: an `apply` stage's executor may call services, so its answers are always computed.
   */
  readonly answerCacheBytes?: number;
  /**
   * Answer the plain forms of `GET /v1/<sink>/<key>` straight on node:http (`fast-path.ts`; default
   * true). The answers are the same bytes either way; false sends every request through hono.
   */
  readonly fastPath?: boolean;
}

/** One servable sink. */
interface SinkServing {
  readonly fields: readonly string[];
  readonly params: ParamsDecoder;
  /** Null when the sink has no request stages: the stored text is answered as it is. */
  readonly stages: RequestStages | null;
  /** True when the answers are pure functions of the stored rows and the parameters (no `apply` stage). */
  readonly pure: boolean;
}

/** The hono app of a server, with what it holds open. */
export interface ServeApp {
  readonly app: Hono;
  readonly metrics: ServeMetrics;
  /**
   * The answer to `GET /v1/<sink>/<key>?<query>` (the key segment percent-decoded, the query as
   * hono's `c.req.query()` gives it), shed when too many requests are in flight and recorded in the
   * metrics under the route label of `path`, exactly as the hono route answers it. Synchronous
   * unless a request stage is asynchronous; never throws and never rejects (a failure is a 500 reply).
   */
  readonly getOne: GetOne;
  /** Closes the store. */
  close(): Promise<void>;
}

/** How often a server without a store looks for one again. */
const REOPEN_MS = 500;

/**
 * Opens the store lazily: a server may start before the first batch run
 * wrote it (it answers 503 until then). A store of another definition is
 * refused at start (`check`) and, if it appears later, reported as 503.
 */
const storeHolder = (dir: string, definition: StoreIdentity) => {
  let store: ViewStore | undefined;
  let problem = `no view store in ${dir} yet (write one with lockstep run … --store ${dir})`;
  let lastTry = 0;
  const tryOpen = (): void => {
    lastTry = Date.now();
    if (!storeExists(dir)) return;
    try {
      store = openViewStore(dir, { readOnly: true, definition });
    } catch (e) {
      if (!(e instanceof StoreError)) throw e;
      problem = e.message;
    }
  };
  tryOpen();
  return {
    /** Throws the StoreError of a store that exists but cannot be served (another definition). */
    check: (): void => {
      if (!store && storeExists(dir)) openViewStore(dir, { readOnly: true, definition });
    },
    get: (): ViewStore | undefined => {
      if (!store && Date.now() - lastTry >= REOPEN_MS) tryOpen();
      return store;
    },
    problem: () => problem,
    close: async () => store?.close(),
  };
};

const errorBody = (code: string, message: string, extra: Record<string, unknown> = {}) => JSON.stringify({ error: { code, message, ...extra } });
const reply = (status: Status, body: string | Uint8Array): Reply => ({ status, body });
/** Anything unexpected: a 500 with its message (never a crash). */
const internal = (e: unknown): Reply => reply(500, errorBody("internal", e instanceof Error ? e.message : String(e)));

const isPromise = <T>(x: T | Promise<T>): x is Promise<T> => typeof (x as { then?: unknown }).then === "function";

/** `{"key":<keyText>,"rows":<rows>}` as bytes, `rows` copied in (it may be the store's transient buffer). */
const bodyOf = (keyText: string, rows: Uint8Array): Buffer => {
  const head = `{"key":${keyText},"rows":`;
  const headLength = Buffer.byteLength(head);
  const out = Buffer.allocUnsafe(headLength + rows.byteLength + 1);
  out.write(head, 0);
  out.set(rows, headLength);
  out[out.length - 1] = 0x7d; // "}"
  return out;
};

/** The route label of a request path, for metrics. */
const routeOf = (path: string): string =>
  path === "/healthz" ? "healthz" : path === "/metrics" ? "metrics" : path.startsWith("/v1/") ? (path.endsWith(":batchGet") ? "batchGet" : "get") : "other";

/** Builds the app (no socket: see {@link startServer}). Throws a StoreError for a store of another definition. */
export const createServeApp = (o: ServeOptions): ServeApp => {
  const { plan, registry } = o;
  const maxInFlight = o.maxInFlight ?? 1024;
  const maxBatch = o.maxBatch ?? 1000;
  const holder = storeHolder(o.store, { name: plan.name, version: plan.version, hash: plan.hash });
  holder.check();
  const sinks = new Map<string, SinkServing>();
  const unkeyed = new Set<string>();
  for (const [sink, fields] of outputKeyFields(plan)) {
    const node = plan.nodes.find((n) => n.id === sink && n.op === "sink");
    const spec = node?.op === "sink" ? node.serve : undefined;
    if (fields === null) unkeyed.add(sink);
    else
      sinks.set(sink, {
        fields,
        params: paramsDecoder(spec),
        stages: spec && spec.stages.length > 0 ? compileStages(spec, plan, registry) : null,
        pure: !spec?.stages.some((st) => st.op === "apply"),
      });
  }
  const cache = answerCache(o.answerCacheBytes ?? 64 * 1024 * 1024);
  const metrics = createServeMetrics(() => holder.get()?.info().sinks ?? {});
  const app = new Hono();
  let inFlight = 0;

  /** The 503 for a request past the in-flight bound (health and metrics are never shed), else undefined. */
  const shed = (route: string): Reply | undefined =>
    route !== "healthz" && route !== "metrics" && inFlight >= maxInFlight
      ? reply(503, errorBody("overloaded", `${inFlight} requests in flight (the bound is ${maxInFlight}); retry later`))
      : undefined;
  const seconds = (started: number) => (performance.now() - started) / 1000;

  app.use(async (c, next) => {
    const started = performance.now();
    const route = routeOf(c.req.path);
    const refused = shed(route);
    if (refused) {
      const r = json(c, refused);
      metrics.observe(route, refused.status, seconds(started));
      return r;
    }
    inFlight++;
    try {
      await next();
    } finally {
      inFlight--;
    }
    metrics.observe(route, c.res.status, seconds(started));
  });

  const json = (c: Context, r: Reply) => c.body(r.body as string, r.status, { "content-type": "application/json" });

  /** The sink, or the error reply for a sink that cannot be served. */
  const sinkOf = (sink: string): SinkServing | Reply => {
    const s = sinks.get(sink);
    if (s) return s;
    if (unkeyed.has(sink)) return reply(404, errorBody("unknown_sink", `sink "${sink}" is not keyed, so it has no rows by key to serve`));
    return reply(404, errorBody("unknown_sink", `"${plan.name}" has no sink "${sink}" (it serves ${[...sinks.keys()].join(", ") || "none"})`));
  };

  /** The store when it can answer for `sink`, else the 503 reply. */
  const readyStore = (sink: string): ViewReads | Reply => {
    const store = holder.get();
    if (!store) return reply(503, errorBody("store_not_ready", holder.problem()));
    if (!store.sink(sink)) return reply(503, errorBody("store_not_ready", `the store holds no view of sink "${sink}" yet`));
    return store;
  };

  /**
   * Runs the stages on one key's stored rows (UTF-8 bytes of their canonical JSON); a failing stage
   * throws its StageFailure. The body is `canonicalJson({ key, rows })`, built from parts: "key"
   * sorts before "rows", and where no stage changed the rows (the stages hand back the same array)
   * the stored bytes already are their canonical JSON, so they are written as they are instead of
   * being re-canonicalised. A pure sink's answer is kept in `cache` with the bytes it came from, and
   * reused while the store holds those bytes. `bytes` may be the store's transient read buffer: it
   * is copied before anything could outlive the call. Synchronous unless a stage is asynchronous.
   */
  const answer = (
    sink: string,
    s: SinkServing,
    keyText: string,
    bytes: Uint8Array,
    params: Readonly<Record<string, unknown>>,
  ): Uint8Array | Promise<Uint8Array> => {
    if (s.stages === null) return bodyOf(keyText, bytes);
    const id = s.pure ? `${sink}\u0000${keyText}\u0000${canonicalJson(params)}` : undefined;
    const kept = id === undefined ? undefined : cache.get(id, bytes);
    if (kept !== undefined) return kept;
    const text = Buffer.from(bytes);
    const stored = JSON.parse(text.toString("utf8")) as unknown[];
    const finish = (rows: unknown[]): Uint8Array => {
      const body = bodyOf(keyText, rows === stored ? text : Buffer.from(canonicalJson(rows)));
      if (id !== undefined) cache.set(id, text, body);
      return body;
    };
    const rows = s.stages(stored, params);
    return isPromise(rows) ? rows.then(finish) : finish(rows);
  };

  /** A failing stage is a 500 naming it; anything else is thrown on (hono's onError, the fast path: {@link internal}). */
  const failure = (e: unknown, sink: string): Reply => {
    if (e instanceof StageFailure) return reply(500, errorBody("stage_failed", `sink "${sink}": ${e.message}`, { stage: e.stage }));
    throw e;
  };

  /** What `GET /v1/<sink>/<key>?<query>` returns: the one place that says it (the hono route and the fast path both ask). */
  const answerGet = (sink: string, keySegment: string, query: Readonly<Record<string, string>>): Reply | Promise<Reply> => {
    const s = sinkOf(sink);
    if ("status" in s) return s;
    const k = keyOfSegment(keySegment, s.fields);
    if (!k.ok) return reply(400, errorBody("bad_key", `sink "${sink}": ${k.message}`));
    const p = s.params.fromQuery(query);
    if (!p.ok) return reply(400, errorBody("bad_param", `sink "${sink}": ${p.message}`));
    const store = holder.get();
    if (!store) return reply(503, errorBody("store_not_ready", holder.problem()));
    const keyText = canonicalJson(k.key);
    let body: Uint8Array | Promise<Uint8Array> | undefined;
    try {
      // One read (generation and rows from one snapshot), answered from the read buffer itself.
      body = store.withBytes(sink, k.key, (bytes) => (bytes === undefined ? undefined : answer(sink, s, keyText, bytes, p.params)));
    } catch (e) {
      return failure(e, sink);
    }
    if (body === undefined) {
      // Only a miss asks whether the sink has a view at all.
      const notReady = readyStore(sink);
      if ("status" in notReady) return notReady;
      return reply(404, errorBody("not_found", `sink "${sink}" has no rows for the key ${keyText}`));
    }
    return isPromise(body)
      ? body.then(
          (b) => reply(200, b),
          (e: unknown) => failure(e, sink),
        )
      : reply(200, body);
  };

  /** {@link answerGet} shed and recorded as the hono middleware does for the route of `path`. */
  const getOne = (path: string, sink: string, key: string, query: Readonly<Record<string, string>>): Reply | Promise<Reply> => {
    const started = performance.now();
    const route = routeOf(path);
    const refused = shed(route);
    if (refused) {
      metrics.observe(route, refused.status, seconds(started));
      return refused;
    }
    inFlight++;
    const done = (r: Reply): Reply => {
      inFlight--;
      metrics.observe(route, r.status, seconds(started));
      return r;
    };
    let r: Reply | Promise<Reply>;
    try {
      r = answerGet(sink, key, query);
    } catch (e) {
      return done(internal(e));
    }
    return isPromise(r) ? r.then(done, (e: unknown) => done(internal(e))) : done(r);
  };

  app.get("/v1/:sink/:key{.+}", async (c) => json(c, await answerGet(c.req.param("sink"), c.req.param("key"), c.req.query())));

  app.post("/v1/:target", async (c) => {
    const target = c.req.param("target");
    if (!target.endsWith(":batchGet")) return json(c, reply(404, errorBody("unknown_route", `POST ${c.req.path}: the only POST is /v1/<sink>:batchGet`)));
    const sink = target.slice(0, -":batchGet".length);
    const s = sinkOf(sink);
    if ("status" in s) return json(c, s);
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return json(c, reply(400, errorBody("bad_body", 'the body is not JSON: send {"keys": [...], "params": {...}}')));
    }
    const b = (typeof body === "object" && body !== null ? body : {}) as { keys?: unknown; params?: unknown };
    if (!Array.isArray(b.keys)) return json(c, reply(400, errorBody("bad_body", 'the body needs "keys": an array of keys')));
    if (b.keys.length > maxBatch) return json(c, reply(413, errorBody("too_many_keys", `${b.keys.length} keys in one batchGet; at most ${maxBatch}`)));
    const keys: OutputKey[] = [];
    for (const [i, raw] of b.keys.entries()) {
      const k = keyOfJson(raw, s.fields);
      if (!k.ok) return json(c, reply(400, errorBody("bad_key", `sink "${sink}": keys[${i}]: ${k.message}`)));
      keys.push(k.key);
    }
    const p = s.params.fromJson(b.params);
    if (!p.ok) return json(c, reply(400, errorBody("bad_param", `sink "${sink}": ${p.message}`)));
    const store = readyStore(sink);
    if ("status" in store) return json(c, store);
    // One snapshot for the whole batch: every key's answer comes from the same commit.
    const reader = holder.get()!.reader();
    let stored: (Uint8Array | undefined)[];
    try {
      stored = keys.map((k) => reader.getBytes(sink, k));
    } finally {
      reader.done();
    }
    try {
      const parts: Uint8Array[] = [Buffer.from('{"results":[')];
      for (let i = 0; i < keys.length; i++) {
        const bytes = stored[i];
        const keyText = canonicalJson(keys[i]);
        if (i > 0) parts.push(Buffer.from(","));
        parts.push(bytes === undefined ? Buffer.from(`{"error":{"code":"not_found"},"key":${keyText}}`) : await answer(sink, s, keyText, bytes, p.params));
      }
      parts.push(Buffer.from("]}"));
      return json(c, reply(200, Buffer.concat(parts)));
    } catch (e) {
      return json(c, failure(e, sink));
    }
  });

  app.get("/healthz", (c) => {
    const store = holder.get();
    if (!store) return json(c, reply(503, JSON.stringify({ status: "store_not_ready", message: holder.problem() })));
    return json(
      c,
      reply(200, JSON.stringify({ status: "ok", definition: { name: plan.name, version: plan.version, hash: plan.hash }, sinks: store.info().sinks })),
    );
  });

  app.get("/metrics", async (c) => c.body(await metrics.registry.metrics(), 200, { "content-type": metrics.registry.contentType }));

  app.notFound((c) =>
    json(c, reply(404, errorBody("unknown_route", `${c.req.method} ${c.req.path}: use GET /v1/<sink>/<key>, POST /v1/<sink>:batchGet, /healthz or /metrics`))),
  );
  // Never a crash: anything unexpected is a 500 with its message.
  app.onError((e, c) => json(c, internal(e)));

  return { app, metrics, getOne, close: () => holder.close() };
};

/** A listening server. */
export interface RunningServer {
  /** `http://host:port` */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Starts a server on `host` (default 127.0.0.1) and `port` (0: any free port). */
export const startServer = async (o: ServeOptions & { readonly port?: number; readonly host?: string }): Promise<RunningServer> => {
  const served = createServeApp(o);
  const host = o.host ?? "127.0.0.1";
  // What @hono/node-server's serve() builds, with the fast path in front when it is on.
  const viaHono = getRequestListener(served.app.fetch, { hostname: host });
  const server = createServer(o.fastPath === false ? viaHono : fastPath(served.getOne, viaHono));
  const address = await new Promise<AddressInfo>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port ?? 0, host, () => resolve(server.address() as AddressInfo));
  }).catch(async (e: unknown) => {
    await served.close();
    throw e;
  });
  const shown = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${shown}:${address.port}`,
    port: address.port,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive connections would hold close() open; a stopping server answers no more.
        server.closeAllConnections();
      });
      await served.close();
    },
  };
};
