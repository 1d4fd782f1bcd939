/**
 * The serving benchmark's baseline (bench/serve.ts): a minimal node:http
 * server answering `GET /v1/sequences/<userId>` from a Map of the same
 * response bodies lockstep serve sends, loaded from the store once at start.
 * It prints its port on stdout.
 *
 *   npx tsx bench/serve-baseline.ts <store dir>
 */
import { createServer } from "node:http";
import { canonicalJson } from "../src/core/canonical.ts";
import { openViewStore } from "../src/store/index.ts";

const store = openViewStore(process.argv[2]!, { readOnly: true });
const bodies = new Map<string, string>();
for (let i = 0; ; i++) {
  const key = { userId: `u${i}` };
  const text = store.getText("sequences", key);
  if (text === undefined) break;
  bodies.set(`/v1/sequences/u${i}`, `{"key":${canonicalJson(key)},"rows":${text}}`);
}
await store.close();
const server = createServer((req, res) => {
  const body = bodies.get(req.url ?? "");
  if (body === undefined) {
    res.writeHead(404, { "content-type": "application/json" }).end('{"error":{"code":"not_found"}}');
    return;
  }
  res.writeHead(200, { "content-type": "application/json" }).end(body);
});
server.listen(0, "127.0.0.1", () => {
  const a = server.address();
  process.stdout.write(`port ${typeof a === "object" && a ? a.port : 0}\n`);
});
