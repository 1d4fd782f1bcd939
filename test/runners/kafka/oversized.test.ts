/**
 * Records too large for Kafka never stall a partition (issue 13, defects 1
 * and 2). A dead letter always fits: its payload is bounded by the shared
 * rule (`boundDeadLetter`), so a 400 KB non-JSON record — ~2.4 MB once its
 * control bytes are JSON-escaped — is dead-lettered with its size and hash and
 * the records after it are processed. An output record Kafka can never store
 * fails the run with a clear message instead of being retried forever.
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { runDirect } from "../../../runners/direct/index.ts";
import { KafkaStreamRunner, runKafka } from "../../../runners/kafka/index.ts";
import windowCount from "../../../examples/window-count.ts";
import everything from "./pipelines/one-big-pane.ts";
import { DEAD_LETTER_PAYLOAD_BYTES } from "../../../src/engine/dead-letter.ts";
import { appTopics, brokers, expectParity, freshApp, jsonl, kafkaForTests, produce, repo, sinkView, waitUntil } from "./helpers.ts";
import { SOURCE_BIN } from "../../cli/helpers.ts";

/** Runs the CLI as a real process; resolves to its exit code and stderr, or rejects if it has not exited after `ms`. */
const cli = (args: readonly string[], ms = 150_000): Promise<{ code: number | null; stderr: string }> =>
  new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [...SOURCE_BIN, ...args], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    p.stderr.on("data", (d) => (stderr += String(d)));
    const timer = setTimeout(() => {
      p.kill("SIGKILL");
      reject(new Error(`lockstep ${args.join(" ")} had not exited after ${ms} ms; stderr: ${stderr}`));
    }, ms);
    p.on("error", reject);
    p.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });

const { client, topics } = kafkaForTests();

const poison = "\u0001".repeat(400 * 1024);
const poisonHash = createHash("sha256").update(Buffer.from(poison)).digest("hex");

describe("a record whose dead letter would be too large for the broker", () => {
  it("follow mode: is dead-lettered with its size and hash, and the partition goes on (window-count, one partition)", async () => {
    const app = freshApp("poison");
    topics.push(...appTopics(windowCount, app));
    const runner = new KafkaStreamRunner({ brokers: brokers(), ...app, idleMs: 0 });
    await runner.start(windowCount);
    try {
      // All three on one partition (the same key), in this order.
      await produce(client, `${app.topicPrefix}events`, 3, [{ key: "a", ts: 1000 }, poison, { key: "a", ts: 20_000 }], () => '"a"');
      await waitUntil(
        "the dead letter is written and the window [0, 10 s) fires",
        async () => {
          if (runner.error() !== undefined) throw runner.error();
          return (await client.readAll(`${app.appId}.dead-letters`)).length === 1 && (await sinkView(client, `${app.topicPrefix}counts`)).length === 1;
        },
        90_000,
      );
      const [dead] = (await client.readAll(`${app.appId}.dead-letters`)).map((m) => JSON.parse(m.value!) as Record<string, unknown>);
      expect(dead).toMatchObject({ source: "events", stage: "events", truncated: { bytes: poison.length, sha256: poisonHash } });
      expect(dead!.raw).toBe(poison.slice(0, DEAD_LETTER_PAYLOAD_BYTES));
      expect(await sinkView(client, `${app.topicPrefix}counts`)).toEqual([{ key: "a", windowStart: 0, windowEnd: 10_000, count: 1 }]);
      // Every record is committed: nothing left to read.
      await waitUntil(
        "the lag is 0",
        async () => (await client.committedOffsets(app.appId, `${app.topicPrefix}events`)).reduce((a, b) => a + Math.max(b, 0), 0) === 3,
        30_000,
      );
    } finally {
      await runner.stop();
    }
  });

  it("bounded: the same dead letter as the DirectRunner", async () => {
    const events = jsonl("poison", [{ key: "a", ts: 1000 }, poison, { key: "a", ts: 20_000 }]);
    const direct = await runDirect(windowCount, { inputs: { events } });
    const kafka = await runKafka(windowCount, { inputs: { events }, brokers: brokers(), partitions: 3 });
    expectParity(kafka, direct, "a 400 KB non-JSON line");
    expect(kafka.deadLetters).toHaveLength(1);
    expect(kafka.deadLetters[0]!.truncated).toEqual({ bytes: poison.length, sha256: poisonHash });
  });
});

/** 30 rows of one key, 50 KB each: one-big-pane's state for the key is ~1.5 MB. */
const rows = Array.from({ length: 30 }, (_, i) => ({ key: "k", ts: i, pad: "x".repeat(50_000) }));

describe("an output record Kafka can never store", () => {
  it("fails the bounded run with a message naming the topic and the limit, and the run returns", async () => {
    const run = runKafka(everything, { inputs: { rows: jsonl("big-pane", rows) }, brokers: brokers(), partitions: 3 });
    await expect(run).rejects.toThrow(/a record for topic \S+ \(partition \d\) is \d+ bytes, over the 1000000-byte limit/);
  });

  it("fails the follow-mode runner (its error) instead of retrying forever", async () => {
    const app = freshApp("big-pane");
    topics.push(...appTopics(everything, app));
    const runner = new KafkaStreamRunner({ brokers: brokers(), ...app, idleMs: 0 });
    await runner.start(everything);
    try {
      await produce(client, `${app.topicPrefix}rows`, 3, rows, ["key"]);
      await waitUntil("the runner fails", () => runner.error() !== undefined, 90_000);
      expect(String(runner.error())).toMatch(/over the 1000000-byte limit of one Kafka record/);
    } finally {
      await runner.stop();
    }
  });
});

describe("a bounded Kafka run (the CLI, a real process)", () => {
  it("makes an input line over 1 MB a dead letter with its size and hash, and goes on", async () => {
    const big = JSON.stringify({ key: "a", ts: 2000, pad: "y".repeat(1_200_000) });
    const events = jsonl("huge-line", [{ key: "a", ts: 1000 }, big, { key: "a", ts: 20_000 }]);
    const dead = jsonl("huge-line-dead", []);
    const out = jsonl("huge-line-out", []);
    const r = await cli([
      "run",
      repo("examples/window-count.ts"),
      "--runner",
      "kafka",
      "--brokers",
      brokers().join(","),
      "--in",
      `events=${events}`,
      "--out",
      `counts=${out}`,
      "--dead-letters",
      dead,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const letters = readFileSync(dead, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({
      source: "events",
      offset: 2,
      stage: "events",
      truncated: { bytes: big.length, sha256: createHash("sha256").update(big).digest("hex") },
    });
    expect(String(letters[0]!.reason)).toMatch(/over the 1000000-byte limit of one Kafka record/);
    expect(
      readFileSync(out, "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l)),
    ).toEqual([
      { key: "a", windowStart: 0, windowEnd: 10_000, count: 1 },
      { key: "a", windowStart: 20_000, windowEnd: 30_000, count: 1 },
    ]);
  });

  it("that fails (a record Kafka cannot store) exits 1 with the reason, closing everything it opened", async () => {
    const input = jsonl("big-pane-cli", rows);
    const r = await cli([
      "run",
      repo("test/runners/kafka/pipelines/one-big-pane.ts"),
      "--runner",
      "kafka",
      "--brokers",
      brokers().join(","),
      "--in",
      `rows=${input}`,
      "--out",
      `out=${jsonl("big-pane-out", [])}`,
    ]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/run failed: a record for topic \S+ \(partition \d\) is \d+ bytes, over the 1000000-byte limit/);
  });
});
