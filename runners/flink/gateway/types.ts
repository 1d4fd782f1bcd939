/**
 * The Flink SQL Gateway interface the Flink runner is written against (its REST v2 API sits
 * behind it, `client.ts`), as the Kafka runner is written against `runners/kafka/client.ts`.
 *
 * @module
 */

/** A SQL Gateway: sessions and what it is. */
export interface FlinkGateway {
  /** Opens a session with these session properties (e.g. {@link BATCH_SESSION}); heartbeats keep it open until `close()`. */
  openSession(config?: Record<string, string>): Promise<GatewaySession>;
  /** `GET /v1/info`: e.g. `{ productName: "Apache Flink", version: "1.20.3" }`. */
  info(): Promise<{ productName: string; version: string }>;
}

/** What one statement returned: all its rows, fetched page by page until the end of the stream. */
export interface StatementResult {
  /** Column names and Flink logical types, e.g. `{ name: "n", type: "BIGINT NOT NULL" }`. */
  columns: { name: string; type: string }[];
  /**
   * The rows' fields as the gateway's JSON row format gives them (numbers, strings, booleans,
   * null, nested arrays/objects). Caution: a BIGINT beyond ±2^53 loses precision in JSON.parse —
   * cast such a column to STRING in the query.
   */
  rows: unknown[][];
  /** Each row's changelog kind ("INSERT", "UPDATE_BEFORE", "UPDATE_AFTER", "DELETE"), parallel to `rows`; all "INSERT" in batch mode. */
  kinds: string[];
  /** The Flink job that ran the statement, for queries and DML. */
  jobId?: string;
  /** "SUCCESS" (DDL, SET, …) or "SUCCESS_WITH_CONTENT" (queries, DML). */
  resultKind?: string;
  /** How many result pages carried data or the end (for diagnostics; not counting empty polls). */
  pages: number;
}

/** An open session: statements run one after another in its catalog and configuration. */
export interface GatewaySession {
  /** The gateway's session handle. */
  readonly handle: string;
  /**
   * Submits one statement (a DDL, a query, an `INSERT`, `EXECUTE STATEMENT SET …`, `SET`,
   * `ADD JAR`) and fetches its whole result. Rejects with {@link FlinkSqlError} when Flink
   * refuses the statement or its job fails, and when `timeoutMs` (default 10 minutes) passes
   * (the operation is cancelled then).
   */
  execute(sql: string, opts?: { timeoutMs?: number }): Promise<StatementResult>;
  /** Stops the heartbeat and closes the session (its operations too). Idempotent. */
  close(): Promise<void>;
}

/**
 * Session properties for bounded (batch) runs: the batch runtime, and `INSERT` that returns
 * only once its job has finished (so the output files are complete when `execute` resolves).
 */
export const BATCH_SESSION: Readonly<Record<string, string>> = Object.freeze({
  "execution.runtime-mode": "batch",
  "table.dml-sync": "true",
});
