/**
 * The Prometheus endpoint of a running KafkaStreamRunner: per-stage and
 * per-executor counters, consumer lag and commit latency, scraped over HTTP.
 */
import { describe, expect, it } from "vitest";
import { KafkaStreamRunner } from "../../../runners/kafka/index.ts";
import { freePorts } from "../../../scripts/kafka/broker.ts";
import userSequences from "../../../examples/user-sequences.ts";
import { appTopics, brokers, freshApp, kafkaForTests, produce, waitUntil } from "./helpers.ts";

const { client, topics } = kafkaForTests();

const scrape = async (port: number): Promise<string> => (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
const value = (text: string, series: string): number =>
  Number(
    text
      .split("\n")
      .find((l) => l.startsWith(series + " "))
      ?.split(" ")[1] ?? NaN,
  );

describe("metrics endpoint", () => {
  it("counts records per stage and per executor, dead letters, lag and commit latency", async () => {
    const app = freshApp("metrics");
    topics.push(...appTopics(userSequences, app));
    const [port] = await freePorts(1);
    const runner = new KafkaStreamRunner({ brokers: brokers(), ...app, metricsPort: port! });
    await runner.start(userSequences);
    try {
      await produce(client, `${app.topicPrefix}items`, 1, [{ itemId: "i1", category: "art", updatedAt: 0 }], ["itemId"]);
      const events = [
        { eventId: "e1", userId: "u1", itemId: "i1", type: "view", ts: 10, durationMs: 5000 },
        { eventId: "e2", userId: "u1", itemId: "i1", type: "view", ts: 11, durationMs: 10 },
        { eventId: "e3", userId: "u2", itemId: "i1", type: "save", ts: 12 },
        "{not json",
      ];
      await produce(client, `${app.topicPrefix}events`, 3, events, ["userId"]);
      await waitUntil("all four events counted", async () => value(await scrape(port!), 'lockstep_records_in_total{stage="events"}') === 4, 60_000);
      const text = await scrape(port!);
      expect(value(text, 'lockstep_dead_letters_total{stage="events"}')).toBe(1);
      // The longView executor saw both views and kept one.
      expect(value(text, 'lockstep_records_in_total{stage="events.dispatch/longView@1"}')).toBe(2);
      expect(value(text, 'lockstep_records_out_total{stage="events.dispatch/longView@1"}')).toBe(1);
      expect(text).toMatch(/^lockstep_consumer_lag\{topic="[^"]+events",partition="\d"\} \d+$/m);
      expect(text).toMatch(/^lockstep_commit_latency_ms\{quantile="0.5"\} \d+(\.\d)?$/m);
      // A fresh application: its tasks restored empty changelogs, from the beginning (state in memory).
      expect(value(text, 'lockstep_restored_records_total{from="beginning"}')).toBe(0);
      expect(value(text, 'lockstep_restored_records_total{from="checkpoint"}')).toBe(0);
      expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);
    } finally {
      await runner.stop();
    }
  });
});
