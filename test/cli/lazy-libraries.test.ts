/**
 * The libraries only some commands need (metrics, logs, progress bars) are
 * not loaded when the CLI starts: start-up time matters (issue 9 §1).
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { root } from "./helpers.ts";

const probe = `
import { createRequire } from "node:module";
await import("./src/cli/main.ts");
const cache = Object.keys(createRequire(import.meta.url).cache);
const loaded = (m) => cache.some((k) => k.includes("/node_modules/" + m + "/"));
console.log(JSON.stringify(Object.fromEntries(["prom-client", "pino", "cli-progress", "lmdb"].map((m) => [m, loaded(m)]))));
`;

describe("CLI start-up", () => {
  it("does not load prom-client, pino, cli-progress or lmdb until a command uses them", () => {
    const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", probe], { cwd: root, encoding: "utf8", timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ "prom-client": false, pino: false, "cli-progress": false, lmdb: false });
  });
});
