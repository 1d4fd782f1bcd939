/**
 * The Flink SQL Gateway client: sessions, statements, result paging until EOS, errors with
 * their root cause, heartbeats, close.
 *
 * @module
 */
export { connectGateway, formatType } from "./client.ts";
export { FlinkGatewayError, FlinkSqlError, rootCause } from "./errors.ts";
export { BATCH_SESSION } from "./types.ts";
export type { FlinkGateway, GatewaySession, StatementResult } from "./types.ts";
