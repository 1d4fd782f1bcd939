/**
 * Backfill meeting streaming with the commands of docs/semantics.md §17, as a user runs them: a
 * DirectRunner run over the records before the cut (`--store`, `--checkpoint-out`), a Kafka
 * application started from the checkpoint (`--follow --from-checkpoint`, a process) fed the records
 * after the cut, and `lockstep materialize` (a process) applying its sink topic to the same store.
 * The store ends equal, key by key, to one DirectRunner run over everything — a late element after the
 * cut judged against its key's clock from before it, keys on both sides, a key only before the cut.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import windowCount from "../../../examples/window-count.ts";
import { canonicalJson } from "../../../src/core/canonical.ts";
import { openViewStore } from "../../../src/store/index.ts";
import { runDirect } from "../../../runners/direct/index.ts";
import { SOURCE_BIN, cli } from "../../cli/helpers.ts";
import { appTopics, brokers, freshApp, jsonl, kafkaForTests, produce, repo, waitUntil } from "./helpers.ts";

const { client, topics } = kafkaForTests();
const children: ChildProcess[] = [];
const dir = mkdtempSync(join(tmpdir(), "lockstep-handoff-cli-"));
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

// Fixed 10 s windows, no lateness. Before the cut: "a" reaches 25 s, "b" 18 s, "c" only here.
const before = [
  { key: "a", ts: 1000 },
  { key: "b", ts: 3000 },
  { key: "a", ts: 12_000 },
  { key: "c", ts: 4000 },
  { key: "a", ts: 25_000 },
  { key: "b", ts: 18_000 },
];
// After it: "a" at 5 s is late (a's clock is 25 s from before the cut); a's [20 s, 30 s) and b's
// [10 s, 20 s) get records on both sides. Each key's last record is within 1 s of its window's end, so
// the idle firing of a follow run (5 s without records) closes the windows.
const after = [
  { key: "a", ts: 5000 },
  { key: "a", ts: 26_000 },
  { key: "b", ts: 19_000 },
  { key: "a", ts: 29_500 },
  { key: "b", ts: 19_900 },
];
const keyOf = (r: Record<string, unknown>) => ({ key: r.key, windowStart: r.windowStart, windowEnd: r.windowEnd });

const spawnCli = (args: string[], onErr?: (s: string) => void): ChildProcess => {
  const child = spawn(process.execPath, [...SOURCE_BIN, ...args], { cwd: repo("."), stdio: ["ignore", "ignore", "pipe"] });
  child.stderr!.setEncoding("utf8").on("data", (s: string) => onErr?.(s));
  children.push(child);
  return child;
};

describe("lockstep run --checkpoint-out, then --follow --from-checkpoint, then materialize", () => {
  it("the store serves what one DirectRunner run over the whole history gives", async () => {
    const store = join(dir, "store");
    const cp = join(dir, "cp.json");
    const batch = await cli(
      "run",
      repo("examples/window-count.ts"),
      "--in",
      `events=${jsonl("before", before)}`,
      "--store",
      store,
      "--checkpoint-out",
      cp,
      "-q",
    );
    expect(batch.code, batch.err).toBe(0);

    const app = freshApp("handoff-cli");
    topics.push(...appTopics(windowCount, app));
    let streamLog = "";
    const stream = spawnCli(
      [
        "run",
        "examples/window-count.ts",
        "--runner",
        "kafka",
        "--follow",
        "--brokers",
        brokers().join(","),
        "--app-id",
        app.appId,
        "--topic-prefix",
        app.topicPrefix,
        "--from-checkpoint",
        cp,
      ],
      (s) => void (streamLog += s),
    );
    await waitUntil("the stream is following", () => streamLog.includes('"following"') || stream.exitCode !== null, 90_000);
    expect(stream.exitCode, streamLog).toBeNull();
    expect(streamLog).toContain("seeded from checkpoint");
    await produce(client, `${app.topicPrefix}events`, 3, after, ["key"]);
    const materializer = spawnCli([
      "materialize",
      "examples/window-count.ts",
      "--store",
      store,
      "--brokers",
      brokers().join(","),
      "--topic-prefix",
      app.topicPrefix,
    ]);

    const whole = (await runDirect(windowCount, { inputs: { events: [...before, ...after] } })).outputs.counts as Record<string, unknown>[];
    const matches = () => {
      if (!existsSync(join(store, "views.mdb"))) return false;
      const s = openViewStore(store, { readOnly: true });
      try {
        return s.sink("counts")?.keys === whole.length && whole.every((r) => canonicalJson(s.get("counts", keyOf(r))) === canonicalJson([r]));
      } finally {
        void s.close();
      }
    };
    await waitUntil("the store equals Direct over the whole history", matches, 90_000);
    // What the store holds is the whole history's, not either side's alone.
    expect(whole).toContainEqual({ key: "a", windowStart: 20_000, windowEnd: 30_000, count: 3 });
    expect(whole).toContainEqual({ key: "b", windowStart: 10_000, windowEnd: 20_000, count: 3 });
    expect(whole).toContainEqual({ key: "a", windowStart: 0, windowEnd: 10_000, count: 1 });
    const late = (await client.readAll(`${app.appId}.late`)).map((m) => JSON.parse(m.value!) as { value: { key: string; ts: number }; clock: number });
    expect(late.map((l) => [l.value.key, l.value.ts, l.clock])).toEqual([["a", 5000, 25_000]]);

    for (const c of [stream, materializer]) c.kill("SIGTERM");
    for (const c of [stream, materializer]) if (c.exitCode === null) await new Promise((r) => c.once("exit", r));
    expect([stream.exitCode, materializer.exitCode]).toEqual([0, 0]);
  }, 180_000);
});
