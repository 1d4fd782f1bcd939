/**
 * Poison input through the Kafka runner's input path (issue 13, defects 3, 8,
 * 9): the bounded run produces each line into the source topic as it was read
 * (an empty line is an empty message, invalid UTF-8 its exact bytes), and the
 * consumer judges each message by the same edge rule as the other runners, so
 * the dead letters are identical as sets — 1e400 no longer becomes {"ts":null},
 * an empty message is no longer dropped without a trace.
 */
import { describe, expect, it } from "vitest";
import { runKafka } from "../../../runners/kafka/index.ts";
import { runDirect } from "../../../runners/direct/index.ts";
import windowCount from "../../../examples/window-count.ts";
import { checkPoisonRun, deadLetterSet, poisonFile } from "../poison.ts";
import { brokers } from "./helpers.ts";

describe("poison JSONL input on Kafka", () => {
  const path = poisonFile();

  it("every line accounted for, with the same dead letters as the DirectRunner", async () => {
    const kafka = await runKafka(windowCount, { inputs: { events: path }, brokers: brokers(), partitions: 3 });
    checkPoisonRun(kafka, expect);
    const direct = await runDirect(windowCount, { inputs: { events: path } });
    expect(deadLetterSet(kafka.deadLetters)).toEqual(deadLetterSet(direct.deadLetters));
  });
});
