/**
 * A server's answer as data (status and JSON body), so the code that decides
 * it (server.ts) and the two ways of writing it (hono, fast-path.ts) share
 * one type without importing each other.
 *
 * @module
 */

/** The statuses a server answers with. */
export type Status = 200 | 400 | 404 | 413 | 500 | 503;

/** An answer: its status and JSON body (sent with `content-type: application/json`). */
export interface Reply {
  readonly status: Status;
  readonly body: string | Uint8Array;
}

/** `ServeApp.getOne`: the answer to one `GET /v1/<sink>/<key>`, shed and recorded; never throws, never rejects. */
export type GetOne = (path: string, sink: string, key: string, query: Readonly<Record<string, string>>) => Reply | Promise<Reply>;
