/**
 * The Kafka runner started from a DirectRunner's handoff checkpoint (docs/semantics.md §17), on the
 * real test broker: an unbounded application continues the batch run's clocks and windows (a record
 * after the cut is late against its source key's clock from before it; a window open at the cut
 * counts the records of both sides), and a checkpoint of another plan, or an application that
 * already has state, is refused before anything is written.
 */
import { describe, expect, it } from "vitest";
import windowCount from "../../../examples/window-count.ts";
import type { Checkpoint } from "../../../src/engine/checkpoint/index.ts";
import { runDirect } from "../../../runners/direct/index.ts";
import { KafkaStreamRunner, layoutOf, runKafka } from "../../../runners/kafka/index.ts";
import { prefixedNames } from "../../../runners/kafka/layout.ts";
import { compile } from "../../../src/plan/compile.ts";
import { appTopics, brokers, freshApp, kafkaForTests, produce, sinkView, waitUntil } from "./helpers.ts";

const { client, topics } = kafkaForTests();
const params = { window: "fixed:10s", lateness: "0s" };

// Before the cut: key "a" reaches 25 s (its window [20 s, 30 s) is open at the cut), "b" reaches 8 s.
const before = [
  { key: "a", ts: 1000 },
  { key: "b", ts: 8000 },
  { key: "a", ts: 21_000 },
  { key: "a", ts: 25_000 },
];
// After it: "a" at 5 s is late against a's clock of 25 s (from before the cut); "a" at 31 s closes
// [20 s, 30 s), which then counts 21 s and 25 s from before the cut and 26 s from after it.
const after = [
  { key: "a", ts: 5000 },
  { key: "a", ts: 26_000 },
  { key: "a", ts: 31_000 },
];

const checkpointOf = async (rows: readonly object[], p: Record<string, string> = params): Promise<Checkpoint> => {
  let cp: Checkpoint | undefined;
  await runDirect(windowCount, { inputs: { events: rows }, params: p, onCheckpoint: (c) => void (cp = c) });
  return cp!;
};

describe("the Kafka runner from a checkpoint", () => {
  it("an unbounded application continues the batch run's clocks and open windows", async () => {
    const cp = await checkpointOf(before);
    const app = freshApp("handoff");
    topics.push(...appTopics(windowCount, app, params));
    const logs: Record<string, unknown>[] = [];
    const runner = new KafkaStreamRunner({ brokers: brokers(), ...app, params, idleMs: 0, fromCheckpoint: cp, log: (e) => logs.push(e) });
    await runner.start(windowCount);
    try {
      expect(logs.find((e) => e.event === "seeded from checkpoint")?.records).toBe(cp.stores.reduce((n, s) => n + s.entries.length, 0));
      await produce(client, `${app.topicPrefix}events`, 3, after, ["key"]);
      const late = async () => (await client.readAll(`${app.appId}.late`)).map((m) => JSON.parse(m.value!) as { value: { ts: number }; clock: number });
      await waitUntil("the record after the cut is reported late", async () => (await late()).length > 0, 60_000);
      expect((await late()).map((l) => [l.value.ts, l.clock])).toEqual([[5000, 25_000]]);
      const window = (rows: unknown[]) =>
        rows.find((r) => (r as { key: string; windowStart: number }).key === "a" && (r as { windowStart: number }).windowStart === 20_000);
      await waitUntil("a's window [20 s, 30 s) fires", async () => window(await sinkView(client, `${app.topicPrefix}counts`)) !== undefined, 60_000);
      expect(window(await sinkView(client, `${app.topicPrefix}counts`))).toEqual({ key: "a", windowStart: 20_000, windowEnd: 30_000, count: 3 });
      // The same as one DirectRunner run over both sides gives for that window.
      const whole = await runDirect(windowCount, { inputs: { events: [...before, ...after] }, params });
      expect(window(whole.outputs.counts!)).toEqual({ key: "a", windowStart: 20_000, windowEnd: 30_000, count: 3 });
    } finally {
      await runner.stop();
    }
    expect(runner.error()).toBeUndefined();
  }, 120_000);

  it("refuses a checkpoint of another plan (bounded and unbounded runs)", async () => {
    const cp = await checkpointOf(before, { ...params, lateness: "5s" });
    const app = freshApp("handoff-hash");
    const runner = new KafkaStreamRunner({ brokers: brokers(), ...app, params, fromCheckpoint: cp });
    await expect(runner.start(windowCount)).rejects.toThrow(/checkpoint: was written for "window-count" v1 \(sha256:\w+\), not for "window-count" v1/);
    await runner.stop();
    await expect(runKafka(windowCount, { inputs: { events: after }, brokers: brokers(), params, fromCheckpoint: cp })).rejects.toThrow(
      /the plan changed since the batch run/,
    );
  }, 60_000);

  it("refuses an application that already has state (a changelog not empty), writing nothing", async () => {
    const cp = await checkpointOf(before);
    const app = freshApp("handoff-used");
    topics.push(...appTopics(windowCount, app, params));
    const layout = layoutOf(compile(windowCount, params), app.appId, 3, prefixedNames(app.topicPrefix, app.appId));
    await client.createTopics(layout.topics);
    const changelog = layout.changelogTopic("events.combine");
    const producer = await client.producer();
    await producer.send([{ topic: changelog, partition: 1, key: 'windows\u0000["z"]', value: "null" }]);
    await producer.close();
    const runner = new KafkaStreamRunner({ brokers: brokers(), ...app, params, fromCheckpoint: cp });
    await expect(runner.start(windowCount)).rejects.toThrow(
      new RegExp(`application "${app.appId}" already has state \\(changelog ${changelog.replace(/\./g, "\\.")} not empty\\)`),
    );
    await runner.stop();
    // Nothing of the checkpoint was written: the one record is still the only one.
    expect((await client.endOffsets(changelog)).reduce((a, b) => a + b, 0)).toBe(1);
    expect((await client.endOffsets(layout.changelogTopic("events.withTimestamps"))).reduce((a, b) => a + b, 0)).toBe(0);
  }, 60_000);
});
