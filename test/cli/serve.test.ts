import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, readJsonl, repo, root, SOURCE_BIN, tempDir } from "./helpers.ts";

const dir = tempDir();
const inputs = ["--in", `events=${repo("examples/data/events.jsonl")}`, "--in", `items=${repo("examples/data/items.jsonl")}`];

describe("lockstep serve", () => {
  it("serves what lockstep run --store wrote, from its own process, until SIGTERM (exit 0)", async () => {
    const store = join(dir, "store");
    const out = join(dir, "sequences.jsonl");
    expect((await cli("run", repo("examples/user-sequences.ts"), ...inputs, "--out", `sequences=${out}`, "--store", store, "-q")).code).toBe(0);
    const rows = readJsonl(out) as { userId: string; events: unknown[] }[];
    const child = spawn(process.execPath, [...SOURCE_BIN, "serve", "examples/user-sequences.ts", "--store", store, "--port", "0"], {
      cwd: root,
      stdio: ["ignore", "ignore", "pipe"],
    });
    const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
    let err = "";
    child.stderr.on("data", (d) => (err += d));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL printed: ${err}`)), 30_000);
        child.stderr.on("data", () => {
          const m = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(err);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]!);
          }
        });
      });
      const r = await fetch(`${url}/v1/sequences/${rows[0]!.userId}?limit=5`);
      expect(r.status).toBe(200);
      expect(await r.json()).toEqual({ key: { userId: rows[0]!.userId }, rows: [{ ...rows[0], events: rows[0]!.events.slice(0, 5) }] });
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
  }, 60_000);

  it("refuses a store of another definition and a missing --store (exit 2)", async () => {
    const store = join(dir, "counts");
    expect(
      (await cli("run", repo("examples/window-count.ts"), "--in", `events=${repo("examples/data/window-events.jsonl")}`, "--store", store, "-q")).code,
    ).toBe(0);
    const other = await cli("serve", repo("examples/window-count.ts"), "--param", "window=fixed:5s", "--store", store, "--port", "0");
    expect(other.code).toBe(2);
    expect(other.err).toMatch(/holds the views of "window-count" v1 \(sha256:[0-9a-f]+\), not of/);
    const none = await cli("serve", repo("examples/window-count.ts"));
    expect(none.code).toBe(2);
    expect(none.err).toContain("--store <dir>");
  });
});
