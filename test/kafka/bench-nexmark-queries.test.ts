/**
 * Smoke run of bench/nexmark-queries.ts on the KafkaStreamRunner (the test broker): a stateless and a
 * windowed Nexmark query over a thousand generated events, in this process. Asserts that the harness
 * saw its timed span and that the final views equal the DirectRunner's — never how long it took.
 */
import { describe, expect, inject, it } from "vitest";
import { runTable } from "../../bench/nexmark-queries.ts";

describe("bench/nexmark-queries.ts on Kafka (smoke)", () => {
  it("runs q2 and q7 on Kafka and finds their final views equal to Direct's", async () => {
    const brokers = (inject("kafkaBrokers") ?? process.env.KAFKA_BROKERS ?? "").split(",");
    const rows = await runTable({ events: 1000, kafkaEvents: 1000, queries: ["q2", "q7"], runners: ["kafka"], brokers, inProcess: true });
    expect(rows.map((r) => `${r.query} ${r.runner}`)).toEqual(["q2 direct", "q2 kafka", "q7 direct", "q7 kafka"]);
    for (const r of rows) {
      expect("error" in r.run ? r.run.error : "ok", `${r.query} on ${r.runner}`).toBe("ok");
      if (r.runner === "kafka") expect(r.agrees, `${r.query}: final view = Direct's`).toBe(true);
    }
  });
});
