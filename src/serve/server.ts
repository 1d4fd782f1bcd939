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
 * @module
 */
import { serve as listen } from "@hono/node-server";
import type { ServerType } from "@hono/node-server";
import { Hono } from "hono";
import type { Context } from "hono";
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
   * Characters of computed answers kept for reuse while their key's stored text is unchanged
   * (`answer-cache.ts`; default 64 Mi; 0 turns it off; `--answer-cache-mb` in units of 2^20). Only for sinks whose request stages are all
   * expressions: an `apply` stage's executor may call services, so its answers are always computed.
   */
  readonly answerCacheChars?: number;
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

type Status = 200 | 400 | 404 | 413 | 500 | 503;

const errorBody = (code: string, message: string, extra: Record<string, unknown> = {}) => JSON.stringify({ error: { code, message, ...extra } });

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
  const cache = answerCache(o.answerCacheChars ?? 64 * 1024 * 1024);
  const metrics = createServeMetrics(() => holder.get()?.info().sinks ?? {});
  const app = new Hono();
  let inFlight = 0;

  app.use(async (c, next) => {
    const started = performance.now();
    const route = routeOf(c.req.path);
    if (route !== "healthz" && route !== "metrics" && inFlight >= maxInFlight) {
      const r = json(c, 503, errorBody("overloaded", `${inFlight} requests in flight (the bound is ${maxInFlight}); retry later`));
      metrics.observe(route, 503, (performance.now() - started) / 1000);
      return r;
    }
    inFlight++;
    try {
      await next();
    } finally {
      inFlight--;
    }
    metrics.observe(route, c.res.status, (performance.now() - started) / 1000);
  });

  const json = (c: Context, status: Status, body: string) => c.body(body, status, { "content-type": "application/json" });

  /** The sink, or the error response for a sink that cannot be served. */
  const sinkOf = (c: Context, sink: string): SinkServing | Response => {
    const s = sinks.get(sink);
    if (s) return s;
    if (unkeyed.has(sink)) return json(c, 404, errorBody("unknown_sink", `sink "${sink}" is not keyed, so it has no rows by key to serve`));
    return json(c, 404, errorBody("unknown_sink", `"${plan.name}" has no sink "${sink}" (it serves ${[...sinks.keys()].join(", ") || "none"})`));
  };

  /** The store when it can answer for `sink`, else the 503 response. */
  const readyStore = (c: Context, sink: string): ViewReads | Response => {
    const store = holder.get();
    if (!store) return json(c, 503, errorBody("store_not_ready", holder.problem()));
    if (!store.sink(sink)) return json(c, 503, errorBody("store_not_ready", `the store holds no view of sink "${sink}" yet`));
    return store;
  };

  /**
   * Runs the stages on one key's rows; a failing stage is a 500 naming it. The body is
   * `canonicalJson({ key, rows })`, built from parts: "key" sorts before "rows", and where no stage
   * changed the rows (the stages hand back the same array) the stored text already is their
   * canonical JSON, so it is written as it is instead of being re-canonicalised. A pure sink's
   * answer is kept in `cache` with the text it came from, and reused while the store holds that text.
   */
  const answer = async (sink: string, s: SinkServing, key: OutputKey, text: string, params: Readonly<Record<string, unknown>>): Promise<string> => {
    const keyText = canonicalJson(key);
    if (s.stages === null) return `{"key":${keyText},"rows":${text}}`;
    const id = s.pure ? `${sink}\u0000${keyText}\u0000${canonicalJson(params)}` : undefined;
    const kept = id === undefined ? undefined : cache.get(id, text);
    if (kept !== undefined) return kept;
    const stored = JSON.parse(text) as unknown[];
    const rows = await s.stages(stored, params);
    const body = `{"key":${keyText},"rows":${rows === stored ? text : canonicalJson(rows)}}`;
    if (id !== undefined) cache.set(id, text, body);
    return body;
  };

  const failure = (c: Context, e: unknown, sink: string) => {
    if (e instanceof StageFailure) return json(c, 500, errorBody("stage_failed", `sink "${sink}": ${e.message}`, { stage: e.stage }));
    throw e;
  };

  app.get("/v1/:sink/:key{.+}", async (c) => {
    const sink = c.req.param("sink");
    const s = sinkOf(c, sink);
    if (s instanceof Response) return s;
    const k = keyOfSegment(c.req.param("key"), s.fields);
    if (!k.ok) return json(c, 400, errorBody("bad_key", `sink "${sink}": ${k.message}`));
    const p = s.params.fromQuery(c.req.query());
    if (!p.ok) return json(c, 400, errorBody("bad_param", `sink "${sink}": ${p.message}`));
    const store = holder.get();
    if (!store) return json(c, 503, errorBody("store_not_ready", holder.problem()));
    // One read (generation and rows from one snapshot); only a miss asks whether the sink has a view at all.
    const text = store.getText(sink, k.key);
    if (text === undefined) {
      const notReady = readyStore(c, sink);
      if (notReady instanceof Response) return notReady;
      return json(c, 404, errorBody("not_found", `sink "${sink}" has no rows for the key ${canonicalJson(k.key)}`));
    }
    try {
      return json(c, 200, await answer(sink, s, k.key, text, p.params));
    } catch (e) {
      return failure(c, e, sink);
    }
  });

  app.post("/v1/:target", async (c) => {
    const target = c.req.param("target");
    if (!target.endsWith(":batchGet")) return json(c, 404, errorBody("unknown_route", `POST ${c.req.path}: the only POST is /v1/<sink>:batchGet`));
    const sink = target.slice(0, -":batchGet".length);
    const s = sinkOf(c, sink);
    if (s instanceof Response) return s;
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return json(c, 400, errorBody("bad_body", 'the body is not JSON: send {"keys": [...], "params": {...}}'));
    }
    const b = (typeof body === "object" && body !== null ? body : {}) as { keys?: unknown; params?: unknown };
    if (!Array.isArray(b.keys)) return json(c, 400, errorBody("bad_body", 'the body needs "keys": an array of keys'));
    if (b.keys.length > maxBatch) return json(c, 413, errorBody("too_many_keys", `${b.keys.length} keys in one batchGet; at most ${maxBatch}`));
    const keys: OutputKey[] = [];
    for (const [i, raw] of b.keys.entries()) {
      const k = keyOfJson(raw, s.fields);
      if (!k.ok) return json(c, 400, errorBody("bad_key", `sink "${sink}": keys[${i}]: ${k.message}`));
      keys.push(k.key);
    }
    const p = s.params.fromJson(b.params);
    if (!p.ok) return json(c, 400, errorBody("bad_param", `sink "${sink}": ${p.message}`));
    const store = readyStore(c, sink);
    if (store instanceof Response) return store;
    // One snapshot for the whole batch: every key's answer comes from the same commit.
    const reader = holder.get()!.reader();
    let texts: (string | undefined)[];
    try {
      texts = keys.map((k) => reader.getText(sink, k));
    } finally {
      reader.done();
    }
    try {
      const parts: string[] = [];
      for (let i = 0; i < keys.length; i++) {
        const text = texts[i];
        parts.push(text === undefined ? `{"error":{"code":"not_found"},"key":${canonicalJson(keys[i])}}` : await answer(sink, s, keys[i]!, text, p.params));
      }
      return json(c, 200, `{"results":[${parts.join(",")}]}`);
    } catch (e) {
      return failure(c, e, sink);
    }
  });

  app.get("/healthz", (c) => {
    const store = holder.get();
    if (!store) return json(c, 503, JSON.stringify({ status: "store_not_ready", message: holder.problem() }));
    return json(c, 200, JSON.stringify({ status: "ok", definition: { name: plan.name, version: plan.version, hash: plan.hash }, sinks: store.info().sinks }));
  });

  app.get("/metrics", async (c) => c.body(await metrics.registry.metrics(), 200, { "content-type": metrics.registry.contentType }));

  app.notFound((c) =>
    json(c, 404, errorBody("unknown_route", `${c.req.method} ${c.req.path}: use GET /v1/<sink>/<key>, POST /v1/<sink>:batchGet, /healthz or /metrics`)),
  );
  // Never a crash: anything unexpected is a 500 with its message.
  app.onError((e, c) => json(c, 500, errorBody("internal", e instanceof Error ? e.message : String(e))));

  return { app, metrics, close: () => holder.close() };
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
  let server: ServerType | undefined;
  const address = await new Promise<AddressInfo>((resolve, reject) => {
    server = listen({ fetch: served.app.fetch, port: o.port ?? 0, hostname: host }, resolve);
    server.once("error", reject);
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
        server!.close(() => resolve());
        // Keep-alive connections would hold close() open; a stopping server answers no more.
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      await served.close();
    },
  };
};
