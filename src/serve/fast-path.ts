/**
 * The hot request, `GET /v1/<sink>/<key>?<query>`, answered straight on
 * node:http's (req, res): no Web Request/Response objects, no middleware
 * chain, the body written as the bytes `getOne` built (for a stored row, from
 * LMDB's read buffer, never decoded to a string). What the request returns —
 * status, body, shedding, metrics — is `ServeApp.getOne`, the same function
 * the hono route calls; this file only decides which requests it may take and
 * writes the reply the way @hono/node-server writes a hono body.
 *
 * It takes only URLs that hono and @hono/node-server would read verbatim, so
 * the sink, key and query it passes on are what the hono route would see:
 * - method `GET` (HEAD goes to hono, which answers it from the GET route);
 * - a `Host` node-server takes as it is (its `reValidHost`; others it
 *   re-parses with `new URL` and may refuse);
 * - a path `/v1/<sink>/<key>` of unreserved and sub-delim characters only,
 *   no `%` (nothing to percent-decode: hono's decoding of path and params is
 *   the identity), no dot segments (`new URL` would resolve them);
 * - a query of those characters plus `/`, `?` and `%` (none of which
 *   `new URL` rewrites), read with hono's own query parser.
 *
 * Everything else — other routes, methods, percent-encoded keys (JSON keys)
 * — goes to hono unchanged.
 *
 * @module
 */
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { getQueryParam } from "hono/utils/url";
import type { GetOne, Reply } from "./reply.ts";

/** @hono/node-server's test for a Host it uses without re-parsing the URL. */
const plainHost = /^[a-z0-9._-]+(?::(?:[1-5]\d{3,4}|[6-9]\d{3}))?$/;
/** `/v1/<sink>/<key>` then an optional query, of characters no layer rewrites or decodes in a path. */
const plainGet = /^\/v1\/[A-Za-z0-9_.~!$&()*+,;=:@-]+\/[A-Za-z0-9_.~!$&()*+,;=:@/-]+(?:\?[A-Za-z0-9_.~!$&()*+,;=:@/?%-]*)?$/;
/** node-server's dot-segment test: a `.` or `..` segment makes it normalise the URL. */
const dotSegment = /\/\.\.?(?:[/?#]|$)/;

/** Writes a reply as @hono/node-server writes `c.body(body, status, { "content-type": … })`. */
const send = (res: ServerResponse, r: Reply): void => {
  res.statusCode = r.status;
  res.setHeader("content-type", "application/json");
  // end() with the whole body sets Content-Length, as node-server does for a string or byte body.
  res.end(r.body);
};

/** True when `url` (the request target) is one the fast path answers exactly as hono would. */
export const takesFastPath = (method: string | undefined, host: string | undefined, url: string | undefined): url is string =>
  method === "GET" && url !== undefined && host !== undefined && plainHost.test(host) && plainGet.test(url) && !dotSegment.test(url);

/** A node:http listener answering the plain GETs through `getOne`, everything else through `fallback` (hono). */
export const fastPath =
  (getOne: GetOne, fallback: RequestListener): RequestListener =>
  (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url;
    if (!takesFastPath(req.method, req.headers.host, url)) {
      fallback(req, res);
      return;
    }
    const q = url.indexOf("?");
    const path = q === -1 ? url : url.slice(0, q);
    const slash = path.indexOf("/", 4);
    // hono's parser over a full URL, as c.req.query() reads it (its search starts past "http://h").
    const query = getQueryParam(`http://h${url}`) as Record<string, string>;
    // getOne never throws and its promise never rejects: every failure is a reply (a 500 at worst).
    const r = getOne(path, path.slice(4, slash), path.slice(slash + 1), query);
    if (r instanceof Promise) void r.then((x) => send(res, x));
    else send(res, r);
  };
