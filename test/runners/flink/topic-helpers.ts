/**
 * Kafka topics for the Flink runner's topic sources (the test broker: vitest's global setup, or
 * KAFKA_BROKERS): a fresh topic with messages partitioned by key as the Kafka runner partitions
 * them, and the topic's records read back by the Kafka client (read_committed) — the independent
 * reader whose records the DirectRunner is given, in (partition, offset) order, for parity.
 */
import { randomUUID } from "node:crypto";
import { expect, inject } from "vitest";
import { runDirect } from "../../../runners/direct/index.ts";
import { runFlink } from "../../../runners/flink/index.ts";
import { canonicalJson } from "../../../src/core/canonical.ts";
import { compile } from "../../../src/plan/compile.ts";
import type { Pipeline } from "../../../src/plan/graph.ts";
import type { RunResult } from "../../../src/run/result.ts";
import { partitionFor } from "../../../runners/kafka/murmur2.ts";
import type { RawRecord } from "../../../src/engine/raw-record.ts";
import { parseMessage } from "../../../src/io/jsonl.ts";
import { brokers, kafkaForTests } from "../kafka/helpers.ts";

const { client, topics } = kafkaForTests();

/** The Kafka client of the test file (its topics are deleted after the file). */
export const testKafka = client;

/** A fresh topic name, deleted after the file. */
export const freshTopic = (name: string): string => {
  const topic = `${name}-${randomUUID().slice(0, 8)}`;
  topics.push(topic);
  return topic;
};

/** A message to produce: text, bytes (e.g. not UTF-8) or no value, under a key (null: partition 0). */
export interface TestMessage {
  readonly key: string | null;
  readonly value: string | Uint8Array | null;
}

/** Creates a topic of `partitions` and produces `messages`, each keyed message to its key's partition (murmur2, as the Kafka runner does). */
export const topicWith = async (name: string, partitions: number, messages: readonly TestMessage[]): Promise<string> => {
  const topic = freshTopic(name);
  await client.createTopics([{ topic, partitions }]);
  const producer = await client.producer();
  try {
    await producer.send(messages.map((m) => ({ topic, partition: m.key === null ? 0 : partitionFor(m.key, partitions), key: m.key, value: m.value })));
  } finally {
    await producer.close();
  }
  return topic;
};

/**
 * The topic's records as every runner judges a message (`parseMessage`, as the Kafka runner's task), with their
 * partitions, in (partition, offset) order; for a table's topic without its tombstones (messages
 * with no value), which the Kafka runner skips as a compacted topic's deletions, not rows.
 */
export const topicRecords = async (topic: string, opts: { table?: boolean } = {}): Promise<Iterable<RawRecord>> => {
  const messages = [...(await client.readAll(topic))]
    .filter((m) => !(opts.table && m.value === null))
    .sort((a, b) => a.partition - b.partition || a.offset - b.offset);
  const records = messages.map((m): RawRecord => ({ ...parseMessage(m.value, m.invalidUtf8, m.offset), partition: m.partition }));
  // An iterable, not an array: the DirectRunner reads an array as values, not records.
  return { [Symbol.iterator]: () => records[Symbol.iterator]() };
};

/** The `topics` option naming `topic` on the test broker. */
export const onBroker = (topic: string) => ({ topic, brokers: brokers() });

const sorted = (xs: readonly unknown[]): string[] => xs.map((x) => canonicalJson(x)).sort();

/** Runs `def` on Flink reading `topics`, and on Direct over the same records; asserts parity and returns Direct's result. */
export const bothFromTopics = async (def: Pipeline<any>, topics: Record<string, string>, modules: string[] = []): Promise<RunResult> => {
  const tables = new Set(
    compile(def)
      .nodes.filter((n) => n.op === "table")
      .map((n) => n.id),
  );
  const inputs = Object.fromEntries(
    await Promise.all(Object.entries(topics).map(async ([s, topic]) => [s, await topicRecords(topic, { table: tables.has(s) })] as const)),
  );
  const direct = await runDirect(def, { inputs });
  const flink = await runFlink(def, {
    inputs: {},
    topics: Object.fromEntries(Object.entries(topics).map(([s, topic]) => [s, onBroker(topic)])),
    gateway: inject("flinkGateway"),
    modules,
    log: () => undefined,
  });
  expect(canonicalJson(flink.outputs)).toBe(canonicalJson(direct.outputs));
  expect(sorted(flink.deadLetters)).toEqual(sorted(direct.deadLetters));
  expect(sorted(flink.late)).toEqual(sorted(direct.late));
  return direct;
};
