/**
 * The SQL Gateway REST v2 client behind {@link FlinkGateway}, on Node's global `fetch`.
 *
 * A statement is `POST /v2/sessions/:s/statements`; its result is fetched from
 * `GET …/operations/:o/result/:token?rowFormat=JSON`, following `nextResultUri` until
 * `resultType: EOS`. `NOT_READY` (still planning) and empty pages (the job runs, no rows yet)
 * are polled again with a growing pause, within the statement's time bound.
 *
 * @module
 */
import { errorText, FlinkGatewayError, FlinkSqlError, rootCause } from "./errors.ts";
import type { FlinkGateway, GatewaySession, StatementResult } from "./types.ts";

/** How long a statement may take by default (planning, the job, fetching its rows). */
const DEFAULT_TIMEOUT_MS = 10 * 60_000;
/** One HTTP request's bound: the gateway answers fetches at once (empty when nothing is ready). */
const REQUEST_TIMEOUT_MS = 60_000;
/** The session heartbeat: well inside the gateway's default idle timeout (10 minutes). */
const HEARTBEAT_MS = 30_000;
/** Polling pauses grow from the first to the last while nothing new arrives. */
const POLL_MIN_MS = 20;
const POLL_MAX_MS = 500;

/** A logical type as the gateway's JSON describes it. */
interface LogicalType {
  type: string;
  nullable?: boolean;
  length?: number;
  precision?: number;
  scale?: number;
  elementType?: LogicalType;
  keyType?: LogicalType;
  valueType?: LogicalType;
  fields?: { name: string; fieldType: LogicalType }[];
}

interface FetchResponse {
  resultType: "NOT_READY" | "PAYLOAD" | "EOS";
  resultKind?: string;
  jobID?: string;
  nextResultUri?: string;
  results?: { columns?: { name: string; logicalType: LogicalType }[]; data?: { kind: string; fields: unknown[] }[] };
}

/** A logical type as SQL: `VARCHAR(5) NOT NULL`, `ARRAY<INT>`, `ROW<a INT, b STRING>`. */
export function formatType(t: LogicalType): string {
  let s: string;
  if (t.type === "ARRAY" || t.type === "MULTISET") s = `${t.type}<${formatType(t.elementType!)}>`;
  else if (t.type === "MAP") s = `MAP<${formatType(t.keyType!)}, ${formatType(t.valueType!)}>`;
  else if (t.type === "ROW") s = `ROW<${(t.fields ?? []).map((f) => `\`${f.name}\` ${formatType(f.fieldType)}`).join(", ")}>`;
  else if (t.length !== undefined) s = `${t.type}(${t.length})`;
  else if (t.precision !== undefined && t.scale !== undefined) s = `${t.type}(${t.precision}, ${t.scale})`;
  else if (t.precision !== undefined) s = `${t.type}(${t.precision})`;
  else s = t.type;
  return t.nullable === false ? `${s} NOT NULL` : s;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The gateway's HTTP API: JSON in, JSON out; unreachable or non-JSON answers become FlinkGatewayError. */
class Http {
  constructor(readonly base: string) {}

  /** Sends one request; resolves with the status and parsed body (errors included: the caller decides). */
  async request(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    const url = new URL(path, this.base).toString();
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: body === undefined ? {} : { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (err) {
      const e = err as Error & { cause?: { code?: string; message?: string } };
      const why = e.cause?.code ?? e.cause?.message ?? e.message;
      throw new FlinkGatewayError(
        `cannot reach the Flink SQL Gateway at ${this.base} (${method} ${path}: ${why}); is it running? (--gateway / FLINK_GATEWAY)`,
        this.base,
      );
    }
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      throw new FlinkGatewayError(
        `${this.base} is not a Flink SQL Gateway: ${method} ${path} answered ${res.status} with ${JSON.stringify(text.slice(0, 200))}`,
        this.base,
      );
    }
    return { status: res.status, body: parsed };
  }

  /** A request that must succeed (2xx); anything else is a FlinkGatewayError naming the call. */
  async ok(method: string, path: string, body?: unknown): Promise<unknown> {
    const r = await this.request(method, path, body);
    if (r.status < 200 || r.status >= 300) {
      throw new FlinkGatewayError(`Flink SQL Gateway ${this.base}: ${method} ${path} failed with ${r.status}: ${rootCause(errorText(r.body))}`, this.base);
    }
    return r.body;
  }
}

class Session implements GatewaySession {
  private closed: Promise<void> | undefined;
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    private readonly http: Http,
    readonly handle: string,
  ) {
    // Keeps the session alive between statements (a long job is one statement); unref'd so an
    // unclosed session does not keep Node running.
    this.heartbeat = setInterval(() => void this.http.request("POST", `/v2/sessions/${handle}/heartbeat`).catch(() => {}), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  async execute(sql: string, opts: { timeoutMs?: number } = {}): Promise<StatementResult> {
    if (this.closed) throw new FlinkGatewayError(`session ${this.handle} is closed`, this.http.base);
    const deadline = Date.now() + (opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    const submitted = (await this.http.ok("POST", `/v2/sessions/${this.handle}/statements`, { statement: sql })) as { operationHandle?: string };
    const op = submitted.operationHandle;
    if (!op) throw new FlinkGatewayError(`the gateway returned no operation handle for the statement: ${JSON.stringify(submitted)}`, this.http.base);
    try {
      return await this.fetchAll(sql, op, deadline, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    } finally {
      // Frees the operation's result buffer on the gateway; a failed or finished one may already be gone.
      await this.http.request("DELETE", `/v2/sessions/${this.handle}/operations/${op}/close`).catch(() => {});
    }
  }

  private async fetchAll(sql: string, op: string, deadline: number, timeoutMs: number): Promise<StatementResult> {
    const result: StatementResult = { columns: [], rows: [], kinds: [], pages: 0 };
    let uri = `/v2/sessions/${this.handle}/operations/${op}/result/0?rowFormat=JSON`;
    let pause = POLL_MIN_MS;
    for (;;) {
      const r = await this.http.request("GET", uri);
      if (r.status !== 200) {
        const trace = errorText(r.body);
        throw new FlinkSqlError(sql, rootCause(trace), trace);
      }
      const page = r.body as FetchResponse;
      if (page.jobID) result.jobId = page.jobID;
      if (page.resultKind) result.resultKind = page.resultKind;
      const columns = page.results?.columns;
      if (columns && result.columns.length === 0) result.columns = columns.map((c) => ({ name: c.name, type: formatType(c.logicalType) }));
      const data = page.results?.data ?? [];
      for (const row of data) {
        result.rows.push(row.fields);
        result.kinds.push(row.kind);
      }
      if (page.resultType === "EOS") {
        result.pages++;
        return result;
      }
      if (data.length > 0) {
        result.pages++;
        pause = POLL_MIN_MS;
      } else {
        if (Date.now() + pause > deadline) {
          await this.http.request("POST", `/v2/sessions/${this.handle}/operations/${op}/cancel`).catch(() => {});
          throw new FlinkSqlError(sql, `timed out after ${timeoutMs / 1000} s (the operation was cancelled)`, "");
        }
        await sleep(pause);
        pause = Math.min(POLL_MAX_MS, pause * 2);
      }
      if (page.nextResultUri) uri = page.nextResultUri;
      else if (page.resultType !== "NOT_READY") {
        throw new FlinkGatewayError(
          `a ${page.resultType} page without nextResultUri before the end of the result: ${JSON.stringify(page).slice(0, 300)}`,
          this.http.base,
        );
      }
    }
  }

  close(): Promise<void> {
    this.closed ??= (async () => {
      clearInterval(this.heartbeat);
      await this.http.ok("DELETE", `/v2/sessions/${this.handle}`);
    })();
    return this.closed;
  }
}

class Gateway implements FlinkGateway {
  private readonly http: Http;

  constructor(url: string) {
    this.http = new Http(url.endsWith("/") ? url : `${url}/`);
  }

  async openSession(config: Record<string, string> = {}): Promise<GatewaySession> {
    const body = (await this.http.ok("POST", "/v2/sessions", { properties: config })) as { sessionHandle?: string };
    if (!body.sessionHandle) throw new FlinkGatewayError(`the gateway returned no session handle: ${JSON.stringify(body)}`, this.http.base);
    return new Session(this.http, body.sessionHandle);
  }

  async info(): Promise<{ productName: string; version: string }> {
    const body = (await this.http.ok("GET", "/v1/info")) as { productName?: string; version?: string };
    if (typeof body.productName !== "string" || typeof body.version !== "string") {
      throw new FlinkGatewayError(`${this.http.base} is not a Flink SQL Gateway: /v1/info answered ${JSON.stringify(body)}`, this.http.base);
    }
    return { productName: body.productName, version: body.version };
  }
}

/** A client for the SQL Gateway at `url` (e.g. "http://127.0.0.1:8083"). Nothing is sent until it is used. */
export function connectGateway(url: string): FlinkGateway {
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
    throw new FlinkGatewayError(`not a Flink SQL Gateway URL: ${JSON.stringify(url)} (expected http://HOST:PORT)`, url);
  }
  return new Gateway(url);
}
