/**
 * Errors of the SQL Gateway client. The gateway accepts any statement with 200 and reports a
 * refusal or a failed job only when the result is fetched, as an HTTP 500 whose body holds the
 * server's whole Java stack trace: the useful part is its last `Caused by:` lines.
 *
 * @module
 */

/** Flink refused a statement (parse, validation, planning) or its job failed. */
export class FlinkSqlError extends Error {
  override readonly name = "FlinkSqlError";
  /** The root cause: the last `Caused by:` lines of the server's trace (the deepest last), or its first line when it has none. */
  override readonly cause: string;
  constructor(
    /** The statement that failed. */
    readonly statement: string,
    cause: string,
    /** The server's whole error text. */
    readonly serverTrace: string,
  ) {
    super(
      `Flink could not run the statement: ${lastLine(cause)}\n  statement: ${abbreviate(statement)}\n  caused by:\n    ${cause.split("\n").join("\n    ")}`,
    );
    this.cause = cause;
  }
}

/** The gateway could not be reached or answered something that is not the SQL Gateway REST API. */
export class FlinkGatewayError extends Error {
  override readonly name = "FlinkGatewayError";
  constructor(
    message: string,
    /** The gateway's URL. */
    readonly url: string,
  ) {
    super(message);
  }
}

const CAUSE_LINES = 3;

/**
 * The root cause in a Java stack trace: its last {@link CAUSE_LINES} distinct `Caused by:`
 * lines (the gateway wraps the real problem in several layers of its own exceptions), or the
 * first line of the trace when it has none.
 */
export function rootCause(trace: string): string {
  const causes: string[] = [];
  for (const line of trace.split("\n")) {
    const m = /^\s*Caused by:\s*(.*)$/.exec(line);
    if (m && !causes.includes(m[1]!)) causes.push(m[1]!);
  }
  if (causes.length > 0) return causes.slice(-CAUSE_LINES).join("\n");
  const first = trace
    .split("\n")
    .map((l) => l.trim())
    .find((l) => l && !l.startsWith("<Exception on server side") && l !== "Internal server error.");
  return first ?? trace.trim();
}

/** The error text of a gateway error body (`{ errors: [...] }`), joined. */
export function errorText(body: unknown): string {
  const errors = (body as { errors?: unknown } | null)?.errors;
  return Array.isArray(errors) ? errors.map(String).join("\n") : JSON.stringify(body);
}

function lastLine(text: string): string {
  const lines = text.split("\n");
  return lines[lines.length - 1]!;
}

function abbreviate(sql: string): string {
  const flat = sql.replace(/\s+/g, " ").trim();
  return flat.length > 300 ? `${flat.slice(0, 300)}…` : flat;
}
