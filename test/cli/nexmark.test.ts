/** `lockstep nexmark generate`: Beam's events as JSON lines, and clear exit-2 errors for bad arguments. */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SOURCE_BIN, cli, jsonlRows, root, spawnCli, tempDir } from "./helpers.ts";

const dir = tempDir();

describe("lockstep nexmark generate", () => {
  it("writes N events to a file, one JSON object per line", async () => {
    const path = join(dir, "events.jsonl");
    const r = await cli("nexmark", "generate", "--events", "1000", "-o", path);
    expect(r.code).toBe(0);
    const rows = jsonlRows(readFileSync(path, "utf8")) as { type: string }[];
    expect(rows).toHaveLength(1000);
    expect(rows.filter((e) => e.type === "person")).toHaveLength(20);
    expect(rows.filter((e) => e.type === "auction")).toHaveLength(60);
    expect(rows[0]).toMatchObject({ type: "person", id: 1000, dateTime: Date.UTC(2015, 6, 15) });
  });

  it("makes a range on its own: --first-event K gives the tail of the longer stream", async () => {
    const all = join(dir, "all.jsonl");
    const tail = join(dir, "tail.jsonl");
    await cli("nexmark", "generate", "--events", "300", "-o", all);
    await cli("nexmark", "generate", "--events", "100", "--first-event", "200", "-o", tail);
    expect(readFileSync(tail, "utf8")).toBe(readFileSync(all, "utf8").split("\n").slice(200, 300).join("\n") + "\n");
  });

  it("--threads gives the same bytes (here the sources' workers cannot start, and the main thread draws their chunks)", async () => {
    const one = join(dir, "one.jsonl");
    const many = join(dir, "many.jsonl");
    await cli("nexmark", "generate", "--events", "10000", "-o", one);
    const r = await cli("nexmark", "generate", "--events", "10000", "--threads", "2", "-o", many);
    expect(r.code, r.err).toBe(0);
    expect(readFileSync(many).equals(readFileSync(one))).toBe(true);
  });

  it("writes to stdout", () => {
    const r = spawnCli(["nexmark", "generate", "--events", "5"]);
    expect(r.code).toBe(0);
    expect(
      r.out
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l).type),
    ).toEqual(["person", "auction", "auction", "auction", "bid"]);
  });

  it("stops quietly, exit 0, when the reader goes away (| head)", () => {
    const bin = [process.execPath, ...SOURCE_BIN].map((a) => `'${a}'`).join(" ");
    const r = spawnSync("bash", ["-c", `${bin} nexmark generate --events 5000000 | head -n 1 > /dev/null; echo "rc=\${PIPESTATUS[0]}"`], {
      cwd: root,
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(r.stdout.trim()).toBe("rc=0");
    expect(r.stderr).toBe("");
  });

  it.each([
    [["--events", "-3"], /--events -3: expected a whole number ≥ 0/],
    [["--events", "ten"], /--events ten: expected a whole number/],
    [["--events", "10", "--generators", "0"], /--generators 0: expected a whole number ≥ 1/],
    [["--events", "10", "--threads", "-1"], /--threads -1: expected a whole number ≥ 0/],
    [["--events", "10", "--colour", "red"], /unknown option '--colour'/],
    [[], /required option '--events <n>' not specified/],
  ])("refuses %j with exit 2", async (args, message) => {
    const r = await cli("nexmark", "generate", ...args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });
});
