/**
 * Poison input through the Kafka runner's input path (issue 13, defects 3, 8,
 * 9): the bounded run produces each line into the source topic as it was read
 * (an empty line is an empty message, invalid UTF-8 its exact bytes), and the
 * consumer judges each message by the same edge rule as the other runners, so
 * the dead letters are identical as sets — 1e400 no longer becomes {"ts":null},
 * an empty message is no longer dropped without a trace.
 */
import { describe, expect, it } from "vitest";
import { KafkaStreamRunner, runKafka } from "../../../runners/kafka/index.ts";
import { canonicalJson } from "../../../src/core/canonical.ts";
import type { DeadLetter } from "../../../src/engine/operator.ts";
import { runDirect } from "../../../runners/direct/index.ts";
import windowCount from "../../../examples/window-count.ts";
import { POISON, checkPoisonRun, deadLetterSet, poisonFile } from "../poison.ts";
import { appTopics, brokers, freshApp, kafkaForTests, waitUntil } from "./helpers.ts";

describe("poison JSONL input on Kafka", () => {
  const path = poisonFile();

  it("every line accounted for, with the same dead letters as the DirectRunner", async () => {
    const kafka = await runKafka(windowCount, { inputs: { events: path }, brokers: brokers(), partitions: 3 });
    checkPoisonRun(kafka, expect);
    const direct = await runDirect(windowCount, { inputs: { events: path } });
    expect(deadLetterSet(kafka.deadLetters)).toEqual(deadLetterSet(direct.deadLetters));
  });
});

describe("poison messages straight into a running KafkaStreamRunner's source topic", () => {
  const { client, topics } = kafkaForTests();

  it("each message is accepted or a dead letter with the DirectRunner's reason and raw bytes; a null value is one too", async () => {
    const app = freshApp("poison");
    topics.push(...appTopics(windowCount, app));
    const runner = new KafkaStreamRunner({ brokers: brokers(), ...app });
    await runner.start(windowCount);
    const expected = POISON.filter((l) => l.reason).length + 1; // + the null-value message
    let dead: DeadLetter[] = [];
    try {
      const producer = await client.producer();
      const source = `${app.topicPrefix}events`;
      // One partition, in file order, each message exactly the line's bytes (an empty line is an empty message).
      await producer.send([
        ...POISON.map((l) => ({ topic: source, partition: 0, key: "k", value: l.bytes })),
        { topic: source, partition: 0, key: "k", value: null },
      ]);
      await producer.close();
      await waitUntil(`${expected} dead letters`, async () => {
        if (runner.error() !== undefined) throw runner.error();
        dead = (await client.readAll(`${app.appId}.dead-letters`)).map((m) => JSON.parse(m.value!) as DeadLetter);
        return dead.length >= expected;
      });
    } finally {
      await runner.stop();
    }
    const direct = await runDirect(windowCount, { inputs: { events: poisonFile() } });
    // Offsets are topic offsets here (0-based, with a partition), lines there: compare what was judged and why.
    const judged = (d: readonly DeadLetter[]) => d.map(({ reason, raw, rawBase64, stage }) => canonicalJson({ reason, raw, rawBase64, stage })).sort();
    expect(judged(dead.filter((d) => d.reason !== "empty record (null value)"))).toEqual(judged(direct.deadLetters));
    expect(dead.filter((d) => d.reason === "empty record (null value)").map((d) => d.offset)).toEqual([POISON.length]);
  });
});
