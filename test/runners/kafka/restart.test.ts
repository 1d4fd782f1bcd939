/**
 * Unbounded runs (KafkaStreamRunner) that are stopped — gracefully or by
 * SIGKILL — and started again with the same application id: state comes back
 * from the changelogs, input resumes at the committed offsets, and the sink
 * topic (read with read_committed) holds exactly the DirectRunner's final view
 * over the whole input, with exactly one record per pane (nothing processed
 * twice). A changed definition whose keyed stage keeps its name but not its
 * meaning is refused at start.
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { afterAll, describe, expect, it } from "vitest";
import { canonicalJson } from "../../../src/core/canonical.ts";
import { DefinitionErrors } from "../../../src/core/errors.ts";
import type { LateElement } from "../../../src/engine/operator.ts";
import { runDirect } from "../../../runners/direct/index.ts";
import { KafkaStreamRunner } from "../../../runners/kafka/index.ts";
import userSequences from "../../../examples/user-sequences.ts";
import windowCount from "../../../examples/window-count.ts";
import {
  appTopics,
  bag,
  brokers,
  engagement,
  freshApp,
  jsonl,
  kafkaForTests,
  keyedEvents,
  produce,
  readings,
  repo,
  runningTotals,
  sinkView,
  stageOf,
  waitForView,
  waitUntil,
} from "./helpers.ts";

const { client, topics } = kafkaForTests();

/** A runner for `app`, remembered for cleanup. */
const runnerFor = (app: { appId: string; topicPrefix: string }, params: Record<string, string> = {}) =>
  new KafkaStreamRunner({ brokers: brokers(), ...app, ...(Object.keys(params).length > 0 ? { params } : {}) });

describe("restart with the same application id", () => {
  it("running totals (a repartition; a global window with a pane per element): stop after half, restart, produce the rest", async () => {
    const app = freshApp("restart-totals");
    topics.push(...appTopics(runningTotals, app));
    const rows = readings(41, 600);
    const half = rows.slice(0, 300);
    const [directHalf, directAll] = await Promise.all([
      runDirect(runningTotals, { inputs: { readings: jsonl("half", half) } }),
      runDirect(runningTotals, { inputs: { readings: jsonl("all", rows) } }),
    ]);
    const source = `${app.topicPrefix}readings`;
    const sink = `${app.topicPrefix}totals`;

    const first = runnerFor(app);
    await first.start(runningTotals);
    await produce(client, source, 3, half, ["device"]);
    await waitForView(client, sink, directHalf.outputs.totals!, { runners: [first] });
    await first.stop();

    const second = runnerFor(app);
    await second.start(runningTotals);
    try {
      await produce(client, source, 3, rows.slice(300), ["device"]);
      await waitForView(client, sink, directAll.outputs.totals!, { runners: [second] });
    } finally {
      await second.stop();
    }
    // Exactly once: one committed sink record per pane, one dead letter per bad record.
    expect((await client.readAll(sink)).length).toBe(directAll.metrics[stageOf(runningTotals, "combine")]!.panes);
    expect((await client.readAll(`${app.appId}.dead-letters`)).length).toBe(directAll.deadLetters.length);
  });

  it("window-count (fixed windows, lateness): clocks and open windows survive the restart — the same rows and the same late elements", async () => {
    const params = { window: "fixed:10s", lateness: "2s" };
    const app = freshApp("restart-windows");
    topics.push(...appTopics(windowCount, app, params));
    // A last record per key far in the future closes every real window on its key's clock.
    const FAR = 1e9;
    const rows = [...keyedEvents(43, 500), ...["a", "b", "c", "d", "e"].map((key) => ({ key, ts: FAR }))];
    const direct = await runDirect(windowCount, { inputs: { events: jsonl("events", rows) }, params });
    // Unbounded: the windows of the far records never close; every other window closed by its key's clock.
    const expected = (direct.outputs.counts as { windowStart: number }[]).filter((r) => r.windowStart < FAR);
    expect(direct.late.length).toBeGreaterThan(10);
    const source = `${app.topicPrefix}events`;
    const sink = `${app.topicPrefix}counts`;

    const first = runnerFor(app, params);
    await first.start(windowCount);
    const cut = 250;
    await produce(client, source, 3, rows.slice(0, cut), ["key"]);
    // Processed up to the cut: every source partition's committed offset reached its end.
    await waitUntil("the first half is processed", async () => {
      const ends = await client.endOffsets(source);
      const committed = await client.committedOffsets(app.appId, source);
      return ends.every((e, p) => e === 0 || (committed[p] ?? -1) >= e);
    });
    await first.stop();

    const second = runnerFor(app, params);
    await second.start(windowCount);
    try {
      await produce(client, source, 3, rows.slice(cut), ["key"]);
      await waitForView(client, sink, expected, { runners: [second] });
    } finally {
      await second.stop();
    }
    // The same elements were late (offsets differ: Kafka offsets vs lines), judged on restored clocks.
    const facts = (l: LateElement) => ({
      value: l.value,
      eventTime: l.eventTime,
      clock: l.clock,
      windowStart: l.windowStart,
      windowEnd: l.windowEnd,
      stage: l.stage,
    });
    const late = (await client.readAll(`${app.appId}.late`)).map((m) => facts(JSON.parse(m.value!) as LateElement));
    expect(bag(late)).toEqual(bag(direct.late.map(facts)));
  });

  it("user-sequences (dedupe, lookup table, executor, sequence over a repartition)", async () => {
    const app = freshApp("restart-sequences");
    topics.push(...appTopics(userSequences, app));
    const { events, items } = engagement(47, 500);
    const direct = await runDirect(userSequences, { inputs: { events: jsonl("events", events), items: jsonl("items", items) } });
    // The table is there before the runner starts (tables are read at start).
    await client.createTopics([{ topic: `${app.topicPrefix}items`, partitions: 1, compacted: true }]);
    // Versions keyed by their whole content: a compacted topic keyed by item would lose older versions.
    await produce(client, `${app.topicPrefix}items`, 1, items, (row) => (typeof row === "string" ? row : canonicalJson(row)));
    const source = `${app.topicPrefix}events`;
    const sink = `${app.topicPrefix}sequences`;
    const first = runnerFor(app);
    await first.start(userSequences);
    await produce(client, source, 3, events.slice(0, 250), ["userId"]);
    await waitUntil("some sequences are out", async () => (await sinkView(client, sink)).length > 0);
    await first.stop();
    const second = runnerFor(app);
    await second.start(userSequences);
    try {
      await produce(client, source, 3, events.slice(250), ["userId"]);
      await waitForView(client, sink, direct.outputs.sequences!, { runners: [second] });
    } finally {
      await second.stop();
    }
  });
});

describe("a crashed runner (SIGKILL) and a new one with the same application id", () => {
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  });

  it("running totals: exactly once, though the crash left a group member and maybe open transactions behind", async () => {
    const app = freshApp("crash-totals");
    topics.push(...appTopics(runningTotals, app));
    const rows = readings(53, 3000);
    const direct = await runDirect(runningTotals, { inputs: { readings: jsonl("all", rows) } });
    const source = `${app.topicPrefix}readings`;
    const sink = `${app.topicPrefix}totals`;

    const child = spawn(
      process.execPath,
      ["--import", "tsx", repo("test/runners/kafka/stream-process.ts"), brokers().join(","), app.appId, app.topicPrefix, "running-totals"],
      {
        cwd: repo("."),
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    children.push(child);
    let stderr = "";
    child.stderr!.on("data", (d) => (stderr += String(d)));
    const logs: Record<string, unknown>[] = [];
    createInterface({ input: child.stdout! }).on("line", (l) => {
      try {
        logs.push(JSON.parse(l) as Record<string, unknown>);
      } catch {
        // not a log line
      }
    });
    await waitUntil(`the child runner started (stderr: ${stderr})`, () => logs.some((l) => l.event === "started") || child.exitCode !== null, 60_000);
    expect(child.exitCode, stderr).toBeNull();

    // Produce in chunks; kill the child once it has committed output, while more input is arriving.
    const chunks = 10;
    const size = rows.length / chunks;
    let killedAfter = -1;
    for (let i = 0; i < chunks; i++) {
      await produce(client, source, 3, rows.slice(i * size, (i + 1) * size), ["device"]);
      if (killedAfter < 0 && i >= 2 && (await client.readAll(sink)).length > 0) {
        child.kill("SIGKILL");
        killedAfter = i;
      }
    }
    if (killedAfter < 0) child.kill("SIGKILL");
    await new Promise<void>((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once("exit", () => r())));
    expect(child.signalCode).toBe("SIGKILL");

    const next = runnerFor(app);
    await next.start(runningTotals);
    try {
      await waitForView(client, sink, direct.outputs.totals!, { runners: [next], timeoutMs: 120_000 });
    } finally {
      await next.stop();
    }
    // Whatever the killed runner had sent in its open transactions was aborted: read_committed sees one record per pane.
    const committed = await client.readAll(sink);
    expect(committed.length).toBe(direct.metrics[stageOf(runningTotals, "combine")]!.panes);
    const all = await client.readAll(sink, undefined, { readUncommitted: true });
    expect(all.length).toBeGreaterThanOrEqual(committed.length);
    expect(canonicalJson((await client.readAll(`${app.appId}.dead-letters`)).length)).toBe(canonicalJson(direct.deadLetters.length));
  });
});

describe("a changed definition", () => {
  it("whose keyed stage keeps its name but changes its window is refused at start, with the reason and the fix", async () => {
    const app = freshApp("compat");
    topics.push(...appTopics(windowCount, app, { window: "fixed:10s" }));
    const first = runnerFor(app, { window: "fixed:10s" });
    await first.start(windowCount);
    await first.stop();
    // The same definition starts again.
    const same = runnerFor(app, { window: "fixed:10s" });
    await same.start(windowCount);
    await same.stop();

    const changed = runnerFor(app, { window: "fixed:20s" });
    const err = await changed.start(windowCount).then(
      () => undefined,
      (e: unknown) => e,
    );
    await changed.stop();
    expect(err).toBeInstanceOf(DefinitionErrors);
    const message = (err as Error).message;
    const stage = stageOf(windowCount, "combine", { window: "fixed:20s" });
    expect(message).toContain(`stage "${stage}": application "${app.appId}" holds state written by a different definition of this stage`);
    expect(message).toContain('"size":10000');
    expect(message).toContain('"size":20000');
    expect(message).toContain("Fix: give the changed stage a new name (its state then starts empty), or run as a new application (--app-id)");
  });

  it("on topics with another partition count than the application's is refused at start", async () => {
    const app = freshApp("partitions");
    topics.push(...appTopics(windowCount, app), `${app.topicPrefix}events`);
    await client.createTopics([{ topic: `${app.topicPrefix}events`, partitions: 2 }]);
    const runner = runnerFor(app);
    const err = await runner.start(windowCount).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    await runner.stop();
    expect(err?.name).toBe("DefinitionError");
    expect(err?.message).toContain(`application "${app.appId}" runs on 3 partitions, but ${app.topicPrefix}events has 2`);
  });
});
