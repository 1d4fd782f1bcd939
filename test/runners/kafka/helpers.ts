/**
 * Shared helpers of the Kafka runner tests: the test broker, generated inputs
 * with out-of-order, late, duplicated and malformed records, JSONL files, and
 * the parity check against the DirectRunner.
 *
 * @module
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, inject } from "vitest";
import { randomUUID } from "node:crypto";
import { canonicalJson } from "../../../src/core/canonical.ts";
import { finalViewOf } from "../../../runners/kafka/bounded.ts";
import type { KafkaClient } from "../../../runners/kafka/client.ts";
import { makeKafkaClient } from "../../../runners/kafka/client-choice.ts";
import { metaTopic } from "../../../runners/kafka/compat.ts";
import { layoutOf, prefixedNames } from "../../../runners/kafka/layout.ts";
import { partitionFor } from "../../../runners/kafka/murmur2.ts";
import { compile } from "../../../src/plan/compile.ts";
import type { Pipeline } from "../../../src/plan/graph.ts";
import type { RunResult } from "../../../src/run/result.ts";

export * from "./fixtures.ts";

/** Bootstrap servers of the test broker (vitest global setup, or KAFKA_BROKERS). */
export const brokers = (): string[] => {
  const b = inject("kafkaBrokers") ?? process.env.KAFKA_BROKERS;
  if (!b) throw new Error("no Kafka broker: run with `npx vitest run --project kafka …` (its global setup starts one) or set KAFKA_BROKERS");
  return b.split(",");
};

/** A path under the repository root. */
export const repo = (p: string): string => join(import.meta.dirname, "../../..", p);

let dir: string | undefined;
let files = 0;
// Registered when a test file imports this module, so at file level (not inside the describe that wrote first).
afterAll(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});
/** Writes rows as a JSONL file (objects as JSON, strings as given: malformed lines) and returns its path. */
export const jsonl = (name: string, rows: readonly (object | string)[]): string => {
  dir ??= mkdtempSync(join(tmpdir(), "lockstep-kafka-test-"));
  const path = join(dir, `${++files}-${name}.jsonl`);
  writeFileSync(path, rows.map((r) => (typeof r === "string" ? r : JSON.stringify(r))).join("\n") + "\n");
  return path;
};

/** A multiset as a sorted list of canonical JSON texts: order-free comparison that still counts duplicates. */
export const bag = (xs: readonly unknown[]): string[] => xs.map((x) => canonicalJson(x)).sort();

/** The Kafka run gives exactly the DirectRunner's final views, dead letters and late elements. */
export const expectParity = (kafka: RunResult, direct: RunResult, what: string): void => {
  expect(canonicalJson(kafka.outputs), `${what}: final views`).toBe(canonicalJson(direct.outputs));
  expect(bag(kafka.deadLetters), `${what}: dead letters`).toEqual(bag(direct.deadLetters));
  expect(bag(kafka.late), `${what}: late elements`).toEqual(bag(direct.late));
};

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The key a source record is produced with (the source key as canonical JSON, as bounded runs do). */
export const sourceKey = (value: unknown, fields: readonly string[]): string | null => {
  if (typeof value !== "object" || value === null) return null;
  const v = value as Record<string, unknown>;
  return fields.length === 1 ? canonicalJson(v[fields[0]!] ?? null) : canonicalJson(fields.map((f) => v[f] ?? null));
};

/**
 * Produces records (objects as JSON, strings as raw text) into a topic, keyed
 * by the source key (or `key(row)`) and partitioned like Kafka's default
 * partitioner; records without a key go to partition 0.
 */
export const produce = async (
  client: KafkaClient,
  topic: string,
  partitions: number,
  rows: readonly (object | string)[],
  key: readonly string[] | ((row: object | string) => string | null),
): Promise<void> => {
  const keyOf = typeof key === "function" ? key : (row: object | string) => (typeof row === "string" ? null : sourceKey(row, key));
  const producer = await client.producer();
  try {
    await producer.send(
      rows.map((row) => {
        const key = keyOf(row);
        return { topic, partition: key === null ? 0 : partitionFor(key, partitions), key, value: typeof row === "string" ? row : JSON.stringify(row) };
      }),
    );
  } finally {
    await producer.close();
  }
};

/** The final view of a sink topic, read with read_committed. */
export const sinkView = async (client: KafkaClient, topic: string): Promise<unknown[]> => finalViewOf(await client.readAll(topic));

/**
 * Waits until the sink topic's final view equals `expected` (the pipeline has
 * caught up), failing with the last view seen after `timeoutMs`, or at once
 * when one of the runners reports a fatal error.
 */
export const waitForView = async (
  client: KafkaClient,
  topic: string,
  expected: readonly unknown[],
  opts: { timeoutMs?: number; runners?: readonly { error(): unknown }[] } = {},
): Promise<void> => {
  const deadline = Date.now() + (opts.timeoutMs ?? 90_000);
  const want = canonicalJson(expected);
  let seen: unknown[] = [];
  for (;;) {
    for (const r of opts.runners ?? []) if (r.error() !== undefined) throw r.error();
    seen = await sinkView(client, topic);
    if (canonicalJson(seen) === want) return;
    if (Date.now() > deadline) break;
    await sleep(250);
  }
  expect(canonicalJson(seen), `the final view of ${topic} did not converge`).toBe(want);
};

/** Waits until `cond` holds (polling), or fails with `what`. */
export const waitUntil = async (what: string, cond: () => Promise<boolean> | boolean, timeoutMs = 60_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(100);
  }
};

/** A fresh application id (and topic prefix) per test, so tests never share topics or groups. */
export const freshApp = (name: string): { appId: string; topicPrefix: string } => {
  const appId = `${name}-${randomUUID().slice(0, 8)}`;
  return { appId, topicPrefix: `${appId}.` };
};

/** Every topic an unbounded run of `pipeline` as `app` uses (to delete afterwards). */
export const appTopics = (
  pipeline: Pipeline<any>,
  app: { appId: string; topicPrefix: string },
  params: Record<string, string> = {},
  partitions = 3,
): string[] => [
  ...layoutOf(compile(pipeline, params), app.appId, partitions, prefixedNames(app.topicPrefix, app.appId)).topics.map((t) => t.topic),
  metaTopic(app.appId),
];

/** The stage of `pipeline` with op `op` (its stable name). */
export const stageOf = (pipeline: Pipeline<any>, op: string, params: Record<string, string> = {}): string =>
  compile(pipeline, params).nodes.find((n) => n.op === op)!.id;

/**
 * A real client (kafkajs, real broker) whose transactional commits fail now
 * and then, through the runner's own client interface: every `every`-th
 * commit fails, alternately before anything reaches the broker and after the
 * transaction was committed (as when the answer is lost). The runner must
 * recover both ways without losing or repeating anything.
 */
export class FlakyCommits implements KafkaClient {
  commits = 0;
  failedBefore = 0;
  failedAfter = 0;
  constructor(
    private readonly inner: KafkaClient,
    private readonly every: number,
  ) {}
  createTopics: KafkaClient["createTopics"] = (s) => this.inner.createTopics(s);
  deleteTopics: KafkaClient["deleteTopics"] = (t) => this.inner.deleteTopics(t);
  endOffsets: KafkaClient["endOffsets"] = (t) => this.inner.endOffsets(t);
  committedOffsets: KafkaClient["committedOffsets"] = (g, t) => this.inner.committedOffsets(g, t);
  groupConsumer: KafkaClient["groupConsumer"] = (g, t, h, o) => this.inner.groupConsumer(g, t, h, o);
  readAll: KafkaClient["readAll"] = (t, p, o) => this.inner.readAll(t, p, o);
  close: KafkaClient["close"] = () => this.inner.close();
  producer: KafkaClient["producer"] = async (opts) => {
    const p = await this.inner.producer(opts);
    if (!opts?.transactionalId) return p;
    return {
      send: (m) => p.send(m),
      close: () => p.close(),
      sendInTransaction: async (messages, groupId, offsets) => {
        const n = ++this.commits;
        if (n % this.every !== 0) return p.sendInTransaction(messages, groupId, offsets);
        if ((n / this.every) % 2 === 1) {
          this.failedBefore++;
          throw new Error("injected: commit failed before reaching the broker");
        }
        await p.sendInTransaction(messages, groupId, offsets);
        this.failedAfter++;
        throw new Error("injected: committed, but the answer was lost");
      },
    };
  };
}

/**
 * A client for the test broker and the list of topics a test file creates,
 * deleted (and the client closed) after the file's tests — or the enclosing
 * describe's, when called inside one.
 */
export const kafkaForTests = (): { client: KafkaClient; topics: string[] } => {
  // LOCKSTEP_KAFKA_CLIENT=platformatic runs a file's tests on @platformatic/kafka.
  const client = makeKafkaClient(undefined, brokers());
  const topics: string[] = [];
  afterAll(async () => {
    await client.deleteTopics(topics);
    await client.close();
  });
  return { client, topics };
};
