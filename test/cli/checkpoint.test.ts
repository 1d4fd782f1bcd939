/**
 * `lockstep run --checkpoint-out FILE` (DirectRunner) and `--from-checkpoint FILE` (Kafka): the file
 * is written next to the batch run's outputs and store, and misuse is a usage error naming the fix.
 * Real CLI processes; the Kafka side is tested on a real broker in test/runners/kafka/.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseCheckpoint } from "../../src/engine/checkpoint/index.ts";
import { compile } from "../../src/plan/compile.ts";
import windowCount from "../../examples/window-count.ts";
import { cli, repo, tempDir } from "./helpers.ts";

const dir = tempDir();
const events = repo("examples/data/window-events.jsonl");

describe("lockstep run --checkpoint-out", () => {
  it("writes the checkpoint of the plan it ran, with the records read as the cut, beside the store", async () => {
    const file = join(dir, "cp.json");
    const r = await cli("run", repo("examples/window-count.ts"), "--in", `events=${events}`, "--store", join(dir, "store"), "--checkpoint-out", file);
    expect(r.err).toContain(`checkpoint ${file}: the engine state at the end of the input`);
    expect(r.code).toBe(0);
    const cp = parseCheckpoint(JSON.parse(readFileSync(file, "utf8")), file);
    expect(cp.plan.hash).toBe(compile(windowCount, {}).hash);
    const lines = readFileSync(events, "utf8")
      .split("\n")
      .filter((l) => l.trim() !== "").length;
    expect(cp.cut).toEqual({ events: lines });
    expect(cp.stores.find((s) => s.store === "clocks")!.entries.length).toBeGreaterThan(0);
  });

  it.each([
    [["--runner", "kafka", "--checkpoint-out", "x.json"], /--checkpoint-out is written by the DirectRunner.*Fix: add --runner direct/],
    [["--from-checkpoint", "x.json"], /--from-checkpoint starts the Kafka runner.*Fix: add --runner kafka/],
    [["--runner", "kafka", "--from-checkpoint", "x.json", "--store", "s"], /would drop the batch run's keys.*lockstep materialize/],
  ])("refuses %j", async (args, message) => {
    const r = await cli("run", repo("examples/window-count.ts"), "--in", `events=${events}`, ...args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });

  it("an unreadable, non-JSON or malformed checkpoint file is refused naming the file", async () => {
    const notJson = join(dir, "bad.json");
    writeFileSync(notJson, "{nope");
    const wrong = join(dir, "wrong.json");
    writeFileSync(wrong, JSON.stringify({ format: "something else" }));
    for (const [file, message] of [
      [join(dir, "missing.json"), /--from-checkpoint .*missing\.json: cannot be read \(ENOENT\)/],
      [notJson, /bad\.json: is not JSON/],
      [wrong, /wrong\.json: format.*expected "lockstep\.checkpoint\/1"/],
    ] as const) {
      const r = await cli(
        "run",
        repo("examples/window-count.ts"),
        "--runner",
        "kafka",
        "--brokers",
        "127.0.0.1:1",
        "--in",
        `events=${events}`,
        "--from-checkpoint",
        file,
      );
      expect(r.code, r.err).toBe(2);
      expect(r.err).toMatch(message);
    }
  });
});
