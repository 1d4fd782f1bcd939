/**
 * Task state on disk (`state: "lmdb"`, runners/kafka/local-store.ts): the
 * same results as state in memory, and restarts that restore only what they
 * must — after a graceful stop only the changelog records written after the
 * task's checkpoint; after a corrupt checkpoint, or a process killed under
 * exactly-once, the whole changelog into a wiped store — with the
 * DirectRunner's final view either way.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkRecipeParity } from "../../../src/parity/harness.ts";
import { knownKafkaDivergence, knownKafkaHistoryLimits } from "../../../src/parity/known.ts";
import { recipeArb } from "../../../src/parity/pipelines.ts";
import { runDirect } from "../../../runners/direct/index.ts";
import { KafkaStreamRunner } from "../../../runners/kafka/index.ts";
import type { KafkaStreamOptions } from "../../../runners/kafka/runner.ts";
import { runKafka } from "../../../runners/kafka/bounded.ts";
import { KafkajsClient } from "../../../runners/kafka/kafkajs-client.ts";
import { CHECKPOINT_FILE } from "../../../runners/kafka/local-store.ts";
import userSequences from "../../../examples/user-sequences.ts";
import { cli, SOURCE_BIN } from "../../cli/helpers.ts";
import { expectExactlyOnce, kill, produceRows, scenarioTopics, startRunner, terminate, windowCountScenario, committedCount } from "../../faults/harness.ts";
import {
  appTopics,
  brokers,
  engagement,
  expectParity,
  FlakyCommits,
  freshApp,
  jsonl,
  kafkaForTests,
  produce,
  readings,
  repo,
  runningTotals,
  stageOf,
  waitForView,
  waitUntil,
} from "./helpers.ts";

const { client, topics } = kafkaForTests();
const dirs: string[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), "lockstep-kafka-lmdb-test-"));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

type App = { appId: string; topicPrefix: string };

/** The app's changelog topics. */
const changelogsOf = (app: App): string[] => appTopics(runningTotals, app).filter((t) => t.endsWith(".changelog"));

/** Committed changelog records of `app` (read back independently of the runner), optionally only those at or after `since`'s offsets. */
const changelogRecords = async (app: App, since?: ReadonlyMap<string, readonly number[]>): Promise<number> => {
  let n = 0;
  for (const t of changelogsOf(app)) n += (await client.readAll(t)).filter((m) => m.offset >= (since?.get(t)?.[m.partition] ?? 0)).length;
  return n;
};

const endsOf = async (app: App): Promise<Map<string, number[]>> =>
  new Map(await Promise.all(changelogsOf(app).map(async (t) => [t, await client.endOffsets(t)] as const)));

/** A follow-mode runner of running-totals for `app` with task state in LMDB under `dir`, its log kept. */
const lmdbRunner = (app: App, dir: string, logs: Record<string, unknown>[] = []): KafkaStreamRunner => {
  const opts: KafkaStreamOptions = { brokers: brokers(), ...app, idleMs: 0, state: { lmdb: { dir, cacheEntries: 50 } }, log: (e) => logs.push(e) };
  return new KafkaStreamRunner(opts);
};

describe("state in LMDB gives the results of state in memory", () => {
  it("generated pipelines × histories: direct = kafka-lmdb (24 cases, a cache of 8 values)", async () => {
    const report = await checkRecipeParity({
      runners: ["direct", "kafka-lmdb"],
      runs: 24,
      seed: 20261204,
      brokers: brokers(),
      kafka: { timeoutMs: 30_000 },
      shrinkRuns: 20,
      shrinkTimeLimitMs: 60_000,
      recipes: recipeArb.filter((r) => !knownKafkaDivergence(r)),
      histories: knownKafkaHistoryLimits,
    });
    expect(report.ok, report.text).toBe(true);
  }, 300_000);

  it("user-sequences with every 3rd commit failing: memory = lmdb = DirectRunner; a failed task's store is wiped and restored in full", async () => {
    const { events, items } = engagement(83, 600);
    const inputs = { events: jsonl("events", events), items: jsonl("items", items) };
    const direct = await runDirect(userSequences, { inputs });
    const results = [];
    for (const state of ["memory", { lmdb: { cacheEntries: 16 } }] as const) {
      const flaky = new FlakyCommits(new KafkajsClient(brokers()), 3);
      const logs: Record<string, unknown>[] = [];
      try {
        results.push(
          await runKafka(userSequences, { inputs, brokers: brokers(), partitions: 3, client: flaky, log: (e) => logs.push(e), timeoutMs: 90_000, state }),
        );
      } finally {
        await flaky.close();
      }
      expect(flaky.failedBefore + flaky.failedAfter).toBeGreaterThan(0);
      if (state !== "memory") {
        // Each failure drops its task without a checkpoint: its next start wipes the store and restores it all.
        const started = logs.filter((e) => e.event === "task started");
        expect(started.length).toBeGreaterThan(new Set(started.map((e) => e.task)).size);
        expect(started.every((e) => e.restoredFrom === "beginning" && e.wiped === "no checkpoint")).toBe(true);
        expect(started.some((e) => (e.restored as number) > 0)).toBe(true);
      }
    }
    expectParity(results[0]!, direct, "memory state, failing commits");
    expectParity(results[1]!, direct, "lmdb state, failing commits");
    expect(results[1]!.outputs).toEqual(results[0]!.outputs);
  });

  it("at-least-once, two instances sharing the partitions: lmdb = DirectRunner", async () => {
    const { events, items } = engagement(89, 600);
    const inputs = { events: jsonl("events", events), items: jsonl("items", items) };
    const direct = await runDirect(userSequences, { inputs });
    const kafka = await runKafka(userSequences, {
      inputs,
      brokers: brokers(),
      partitions: 3,
      instances: 2,
      guarantee: "at-least-once",
      timeoutMs: 90_000,
      state: { lmdb: { cacheEntries: 16 } },
    });
    expectParity(kafka, direct, "lmdb state, at-least-once, two instances");
  });
});

describe("lockstep run --runner kafka --state lmdb", () => {
  it("writes the DirectRunner's sink file and removes the run's state afterwards", async () => {
    const d = tempDir();
    const state = join(d, "state");
    const args = (runner: string, out: string) => [
      "run",
      repo("examples/window-count.ts"),
      "--in",
      `events=${repo("examples/data/window-events.jsonl")}`,
      "--out",
      `counts=${join(d, out)}`,
      "--runner",
      runner,
      "-q",
    ];
    const direct = await cli(...args("direct", "direct.jsonl"));
    expect(direct.code, direct.err).toBe(0);
    const kafka = await cli(...args("kafka", "kafka.jsonl"), "--brokers", brokers().join(","), "--state", "lmdb", "--state-dir", state, "--state-cache", "5");
    expect(kafka.code, kafka.err).toBe(0);
    expect(readFileSync(join(d, "kafka.jsonl"), "utf8")).toBe(readFileSync(join(d, "direct.jsonl"), "utf8"));
    expect(readFileSync(join(d, "direct.jsonl"), "utf8").split("\n").filter(Boolean).length).toBeGreaterThan(5);
    expect(readdirSync(state)).toEqual([]);
  });
});

describe("lockstep run --runner kafka --follow --state lmdb", () => {
  it("keeps the task stores in --state-dir: after SIGTERM every task has a checkpoint, and the next process restores from them", async () => {
    const app = freshApp("lmdb-follow-cli");
    topics.push(...appTopics(runningTotals, app));
    const state = tempDir();
    const follow = (onErr: (s: string) => void): ChildProcess => {
      const child = spawn(
        process.execPath,
        [
          ...SOURCE_BIN,
          "run",
          "test/runners/kafka/pipelines/running-totals.ts",
          "--runner",
          "kafka",
          "--follow",
          "--brokers",
          brokers().join(","),
          "--app-id",
          app.appId,
          "--topic-prefix",
          app.topicPrefix,
          "--state",
          "lmdb",
          "--state-dir",
          state,
        ],
        { cwd: repo("."), stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, LOCKSTEP_LOG_LEVEL: "debug" } },
      );
      child.stderr!.setEncoding("utf8").on("data", onErr);
      return child;
    };
    const stop = async (c: ChildProcess) => {
      c.kill("SIGTERM");
      if (c.exitCode === null) await new Promise((r) => c.once("exit", r));
      expect(c.exitCode).toBe(0);
    };
    const rows = readings(103, 400);
    const source = `${app.topicPrefix}readings`;
    const sink = `${app.topicPrefix}totals`;
    const [half, all] = await Promise.all([200, 400].map((n) => runDirect(runningTotals, { inputs: { readings: jsonl(`f${n}`, rows.slice(0, n)) } })));

    let log1 = "";
    const first = follow((s) => void (log1 += s));
    try {
      await waitUntil("the first process is following", () => log1.includes('"following"') || first.exitCode !== null, 90_000);
      expect(first.exitCode, log1).toBeNull();
      await produce(client, source, 3, rows.slice(0, 200), ["device"]);
      await waitForView(client, sink, half!.outputs.totals!, { timeoutMs: 90_000 });
    } finally {
      await stop(first);
    }
    const tasks = readdirSync(join(state, app.appId)).filter((f) => !f.startsWith("."));
    expect(tasks.length).toBeGreaterThan(0);
    for (const t of tasks) expect(existsSync(join(state, app.appId, t, CHECKPOINT_FILE)), t).toBe(true);

    let log2 = "";
    const second = follow((s) => void (log2 += s));
    try {
      await waitUntil("the second process is following", () => log2.includes('"following"') || second.exitCode !== null, 90_000);
      await produce(client, source, 3, rows.slice(200), ["device"]);
      await waitForView(client, sink, all!.outputs.totals!, { timeoutMs: 90_000 });
    } finally {
      await stop(second);
    }
    const started = log2
      .split("\n")
      .filter((l) => l.includes('"task started"'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(started.length).toBe(tasks.length);
    expect(
      started.every((e) => e.restoredFrom === "checkpoint" && e.restored === 0),
      log2,
    ).toBe(true);
  }, 180_000);
});

describe("restarts with state in LMDB", () => {
  it("after a graceful stop a restart restores only the changelog records written after its checkpoints", async () => {
    const app = freshApp("lmdb-tail");
    topics.push(...appTopics(runningTotals, app));
    const rows = readings(97, 900);
    const parts = [rows.slice(0, 300), rows.slice(300, 600), rows.slice(600)];
    const direct = await Promise.all([1, 2, 3].map((k) => runDirect(runningTotals, { inputs: { readings: jsonl(`r${k}`, rows.slice(0, 300 * k)) } })));
    const source = `${app.topicPrefix}readings`;
    const sink = `${app.topicPrefix}totals`;
    const dirA = tempDir();
    const dirB = tempDir();

    const logsA: Record<string, unknown>[] = [];
    const a = lmdbRunner(app, dirA, logsA);
    await a.start(runningTotals);
    await produce(client, source, 3, parts[0]!, ["device"]);
    await waitForView(client, sink, direct[0]!.outputs.totals!, { runners: [a] });
    await a.stop();
    const started = logsA.filter((e) => e.event === "task started");
    expect(started.length).toBeGreaterThan(0);
    expect(started.every((e) => e.restoredFrom === "beginning" && e.wiped === "no checkpoint")).toBe(true);
    const taskDirs = readdirSync(join(dirA, app.appId)).filter((f) => !f.startsWith("."));
    expect(taskDirs.length).toBe(started.length);
    for (const t of taskDirs) expect(existsSync(join(dirA, app.appId, t, CHECKPOINT_FILE)), t).toBe(true);
    const atStop = await endsOf(app);
    const afterA = await changelogRecords(app);
    expect(afterA).toBeGreaterThan(0);

    // Another instance with a store of its own moves the application on while A is down.
    const b = lmdbRunner(app, dirB);
    await b.start(runningTotals);
    await produce(client, source, 3, parts[1]!, ["device"]);
    await waitForView(client, sink, direct[1]!.outputs.totals!, { runners: [b] });
    await b.stop();
    expect(b.restored()).toMatchObject({ full: afterA, tail: 0, tasksTail: 0 });

    const tail = await changelogRecords(app, atStop);
    expect(tail).toBeGreaterThan(0);
    expect(tail).toBeLessThan(await changelogRecords(app));
    const logsA2: Record<string, unknown>[] = [];
    const a2 = lmdbRunner(app, dirA, logsA2);
    await a2.start(runningTotals);
    try {
      await waitUntil("every task has started", () => logsA2.filter((e) => e.event === "task started").length >= taskDirs.length);
      expect(a2.restored()).toMatchObject({ full: 0, tail, tasksFull: 0 });
      expect(logsA2.filter((e) => e.event === "task started").every((e) => e.restoredFrom === "checkpoint")).toBe(true);
      // The checkpoints are gone while the tasks run: their stores move on without the changelog.
      for (const t of taskDirs) expect(existsSync(join(dirA, app.appId, t, CHECKPOINT_FILE)), t).toBe(false);
      await produce(client, source, 3, parts[2]!, ["device"]);
      await waitForView(client, sink, direct[2]!.outputs.totals!, { runners: [a2] });
    } finally {
      await a2.stop();
    }
    // Exactly once over three runs: one committed sink record per pane.
    expect((await client.readAll(sink)).length).toBe(direct[2]!.metrics[stageOf(runningTotals, "combine")]!.panes);
  });

  it("a corrupt checkpoint file: the store is wiped and the changelog restored in full", async () => {
    const app = freshApp("lmdb-corrupt");
    topics.push(...appTopics(runningTotals, app));
    const rows = readings(101, 600);
    const [half, all] = await Promise.all([300, 600].map((n) => runDirect(runningTotals, { inputs: { readings: jsonl(`r${n}`, rows.slice(0, n)) } })));
    const source = `${app.topicPrefix}readings`;
    const sink = `${app.topicPrefix}totals`;
    const dir = tempDir();
    const first = lmdbRunner(app, dir);
    await first.start(runningTotals);
    await produce(client, source, 3, rows.slice(0, 300), ["device"]);
    await waitForView(client, sink, half!.outputs.totals!, { runners: [first] });
    await first.stop();
    const files = readdirSync(join(dir, app.appId))
      .filter((f) => !f.startsWith("."))
      .map((t) => join(dir, app.appId, t, CHECKPOINT_FILE));
    expect(files.length).toBeGreaterThan(1);
    // One file torn, the others with one character changed (still JSON): every one must be refused.
    writeFileSync(files[0]!, readFileSync(files[0]!, "utf8").slice(0, 20));
    for (const f of files.slice(1)) {
      const text = readFileSync(f, "utf8");
      const changed = text.replace("task-checkpoint", "task-checkpoinT");
      expect(changed).not.toBe(text);
      writeFileSync(f, changed);
    }
    const total = await changelogRecords(app);

    const logs: Record<string, unknown>[] = [];
    const second = lmdbRunner(app, dir, logs);
    await second.start(runningTotals);
    try {
      await waitUntil("every task has started", () => logs.filter((e) => e.event === "task started").length >= files.length);
      expect(second.restored()).toMatchObject({ full: total, tail: 0, tasksTail: 0 });
      const wiped = logs.filter((e) => e.event === "task started").map((e) => e.wiped);
      expect(wiped.length).toBe(files.length);
      expect(wiped.every((w) => typeof w === "string" && w.startsWith("checkpoint corrupt"))).toBe(true);
      await produce(client, source, 3, rows.slice(300), ["device"]);
      await waitForView(client, sink, all!.outputs.totals!, { runners: [second] });
    } finally {
      await second.stop();
    }
    expect((await client.readAll(sink)).length).toBe(all!.metrics[stageOf(runningTotals, "combine")]!.panes);
  });

  it("a process SIGKILLed under exactly-once: its restart wipes the stores and restores in full; the DirectRunner's final view, nothing committed twice", async () => {
    const s = await windowCountScenario(1217, 1500);
    const app = freshApp("lmdb-kill");
    topics.push(...scenarioTopics(s, app));
    await s.setup(client, app);
    const dir = tempDir();
    const env = { FAULT_STATE_DIR: dir, FAULT_GUARANTEE: "exactly-once" };
    const rows = s.source.rows;
    const half = Math.floor(rows.length / 2);
    const first = await startRunner(app, s.example, s.params, { idleMs: 0, env });
    await produceRows(client, s, app, rows.slice(0, half));
    await waitUntil(
      "part of the first half is committed",
      async () => {
        if (first.error()) throw first.error();
        return (await committedCount(client, app.appId, `${app.topicPrefix}${s.source.name}`)) >= half / 3;
      },
      120_000,
    );
    await kill(first);

    const second = await startRunner(app, s.example, s.params, { idleMs: 0, env });
    const started = () => second.logs.filter((e) => e.event === "task started");
    await waitUntil("the restarted process has started its tasks", () => started().length >= 3, 60_000);
    expect(started().every((e) => e.restoredFrom === "beginning" && e.wiped === "no checkpoint")).toBe(true);
    expect(started().reduce((n, e) => n + (e.restored as number), 0)).toBeGreaterThan(0);
    await produceRows(client, s, app, rows.slice(half));
    await waitForView(client, `${app.topicPrefix}${s.sink}`, s.expected, { runners: [second], timeoutMs: 300_000 });
    await terminate(second);
    await expectExactlyOnce(client, s, app);

    // After the graceful stop the checkpoints are there: the next start restores nothing.
    const third = await startRunner(app, s.example, s.params, { idleMs: 0, env });
    try {
      await waitUntil("the third process has started its tasks", () => third.logs.filter((e) => e.event === "task started").length >= 3, 60_000);
      const again = third.logs.filter((e) => e.event === "task started");
      expect(again.every((e) => e.restoredFrom === "checkpoint" && e.restored === 0)).toBe(true);
    } finally {
      await terminate(third);
    }
  });
});
