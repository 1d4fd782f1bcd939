/**
 * Windows on idle partitions still close: after the idle timeout a task fires
 * the on-time panes of windows that ended by its clock plus the idle time,
 * without any new record — and without changing which elements are late.
 */
import { describe, expect, it } from "vitest";
import { KafkaStreamRunner } from "../../../runners/kafka/index.ts";
import windowCount from "../../../examples/window-count.ts";
import { appTopics, brokers, freshApp, kafkaForTests, produce, sinkView, waitUntil } from "./helpers.ts";

const { client, topics } = kafkaForTests();

describe("idle timeout", () => {
  it("fires a window that ended by the idle partition's clock plus the time idle; late data stays late", async () => {
    const app = freshApp("idle");
    const params = { window: "fixed:1s", lateness: "0s" };
    topics.push(...appTopics(windowCount, app, params));
    const runner = new KafkaStreamRunner({ brokers: brokers(), ...app, params, idleMs: 300 });
    await runner.start(windowCount);
    try {
      // Key "a": two elements in [0, 1000); its clock stays at 900, so only time passing can close the window.
      await produce(
        client,
        `${app.topicPrefix}events`,
        3,
        [
          { key: "a", ts: 100 },
          { key: "a", ts: 900 },
        ],
        ["key"],
      );
      await waitUntil("the idle window fires", async () => (await sinkView(client, `${app.topicPrefix}counts`)).length === 1, 30_000);
      expect(await sinkView(client, `${app.topicPrefix}counts`)).toEqual([{ key: "a", windowStart: 0, windowEnd: 1000, count: 2 }]);
      // An element of the same window at ts 950 is not late (its source clock is 950 < 1000): it updates the window.
      await produce(client, `${app.topicPrefix}events`, 3, [{ key: "a", ts: 950 }], ["key"]);
      await waitUntil("the late pane", async () => JSON.stringify(await sinkView(client, `${app.topicPrefix}counts`)).includes('"count":3'), 30_000);
      expect(await sinkView(client, `${app.topicPrefix}counts`)).toEqual([{ key: "a", windowStart: 0, windowEnd: 1000, count: 3 }]);
    } finally {
      await runner.stop();
    }
  });
});
