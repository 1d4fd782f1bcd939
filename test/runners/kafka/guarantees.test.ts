/**
 * Delivery guarantees. At-least-once gives the same final views as
 * exactly-once and the DirectRunner. Under exactly-once, records of aborted
 * transactions are in the sink topics' logs (a read_uncommitted reader sees
 * them) but never in what read_committed readers see: a zombie owner of a
 * task's transactional id, with an open transaction, is fenced and its
 * transaction aborted as soon as a runner takes the task over — not when the
 * transaction times out. Sends larger than the broker's batch limit are
 * chunked.
 */
import { Kafka, logLevel } from "kafkajs";
import { describe, expect, it } from "vitest";
import { canonicalJson } from "../../../src/core/canonical.ts";
import { compile } from "../../../src/plan/compile.ts";
import type { Pipeline } from "../../../src/plan/graph.ts";
import { runDirect } from "../../../runners/direct/index.ts";
import { KafkaStreamRunner, runKafka } from "../../../runners/kafka/index.ts";
import { makeKafkaClient } from "../../../runners/kafka/client-choice.ts";
import type { OutMessage } from "../../../runners/kafka/client.ts";
import { CHUNK_BYTES, CHUNK_MESSAGES, chunk } from "../../../runners/kafka/kafkajs-client.ts";
import { layoutOf, prefixedNames, subTopologyOf } from "../../../runners/kafka/layout.ts";
import sessions from "../../../examples/sessions.ts";
import userSequences from "../../../examples/user-sequences.ts";
import wordcount from "../../../examples/wordcount.ts";
import { partitionFor } from "../../../runners/kafka/murmur2.ts";
import {
  appTopics,
  brokers,
  clicks,
  engagement,
  expectParity,
  FlakyCommits,
  freshApp,
  jsonl,
  kafkaForTests,
  lines,
  pickyTotals,
  produce,
  readings,
  runningTotals,
  sourceKey,
  stageOf,
  waitForView,
  waitUntil,
} from "./helpers.ts";

const { client, topics } = kafkaForTests();

describe("at-least-once", () => {
  const { events, items } = engagement(61, 500);
  const cases: { name: string; pipeline: Pipeline<any>; inputs: Record<string, string> }[] = [
    { name: "wordcount", pipeline: wordcount, inputs: { lines: jsonl("lines", lines(67, 300)) } },
    { name: "user-sequences", pipeline: userSequences, inputs: { events: jsonl("events", events), items: jsonl("items", items) } },
    { name: "sessions", pipeline: sessions, inputs: { clicks: jsonl("clicks", clicks(71, 400)) } },
  ];
  for (const c of cases) {
    it(`${c.name}: the same final view, dead letters and late elements as the DirectRunner`, async () => {
      const direct = await runDirect(c.pipeline, { inputs: c.inputs });
      const kafka = await runKafka(c.pipeline, { inputs: c.inputs, brokers: brokers(), partitions: 3, guarantee: "at-least-once" });
      expectParity(kafka, direct, `${c.name}, at-least-once`);
    });
  }
});

describe("exactly-once: aborted transactions stay invisible to read_committed readers", () => {
  it("a zombie with a task's transactional id and an open transaction is fenced and aborted at takeover, even if the task gets no input", async () => {
    const app = freshApp("zombie");
    topics.push(...appTopics(runningTotals, app));
    const layout = layoutOf(compile(runningTotals), app.appId, 3, prefixedNames(app.topicPrefix, app.appId));
    const combine = stageOf(runningTotals, "combine");
    const source = `${app.topicPrefix}readings`;
    const sink = `${app.topicPrefix}totals`;
    const repartition = layout.subTopologies.find((s) => s.nodes.has(combine))!.inputs[0]!.topic;
    // The zombie owns the upstream task of source partition 2, which gets no input after the restart:
    // only taking the task over eagerly (at assignment) fences it.
    const idle = 2;
    const zombieTask = `${subTopologyOf(layout, "readings")!.id}-${idle}`;
    const rows = readings(73, 600);
    const later = rows.slice(300).filter((r) => typeof r !== "string" && partitionFor(sourceKey(r, ["device"])!, 3) !== idle);
    const [directHalf, directAll] = await Promise.all([
      runDirect(runningTotals, { inputs: { readings: jsonl("half", rows.slice(0, 300)) } }),
      runDirect(runningTotals, { inputs: { readings: jsonl("all", [...rows.slice(0, 300), ...later]) } }),
    ]);

    const first = new KafkaStreamRunner({ brokers: brokers(), ...app });
    await first.start(runningTotals);
    await produce(client, source, 3, rows.slice(0, 300), ["device"]);
    await waitForView(client, sink, directHalf.outputs.totals!, { runners: [first] });
    await first.stop();

    // The zombie: the task's transactional id, an open transaction holding records in the repartition
    // topic (read_committed readers of partition 0 cannot pass it) and in the sink.
    const kafka = new Kafka({ clientId: "zombie", brokers: brokers(), logLevel: logLevel.NOTHING });
    const zombie = kafka.producer({ transactionalId: `${app.appId}-${zombieTask}`, idempotent: true, maxInFlightRequests: 1, transactionTimeout: 300_000 });
    await zombie.connect();
    const tx = await zombie.transaction();
    await tx.send({ topic: repartition, messages: [{ partition: 0, key: "zombie", value: "not an element" }] });
    await tx.send({ topic: sink, messages: [{ partition: 0, key: "zombie", value: JSON.stringify({ zombie: true }) }] });

    const second = new KafkaStreamRunner({ brokers: brokers(), ...app });
    await second.start(runningTotals);
    try {
      await produce(client, source, 3, later, ["device"]);
      // Far less than the zombie's 300 s transaction timeout.
      await waitForView(client, sink, directAll.outputs.totals!, { runners: [second], timeoutMs: 45_000 });
    } finally {
      await second.stop();
    }
    // The fenced zombie cannot commit any more.
    await expect(tx.commit()).rejects.toThrow();
    await zombie.disconnect().catch(() => {});

    const committed = await client.readAll(sink);
    const uncommitted = await client.readAll(sink, undefined, { readUncommitted: true });
    expect(committed.length, "read_committed: one record per pane").toBe(directAll.metrics[combine]!.panes);
    expect(committed.some((m) => m.key === "zombie")).toBe(false);
    expect(
      uncommitted.some((m) => m.key === "zombie"),
      "read_uncommitted sees the aborted record",
    ).toBe(true);
    expect(uncommitted.length).toBeGreaterThan(committed.length);
  });

  it("a bounded run leaves no aborted records in its sink (read_committed = read_uncommitted)", async () => {
    const direct = await runDirect(wordcount, { inputs: { lines: jsonl("lines", lines(79, 200)) } });
    const logs: Record<string, unknown>[] = [];
    const kafka = await runKafka(wordcount, {
      inputs: { lines: jsonl("lines", lines(79, 200)) },
      brokers: brokers(),
      partitions: 3,
      keepTopics: true,
      log: (e) => logs.push(e),
    });
    expectParity(kafka, direct, "wordcount");
    const appId = logs.find((e) => e.event === "run")!.app as string;
    topics.push(...appTopics(wordcount, { appId, topicPrefix: `${appId}.` }));
    const sink = `${appId}.counts`;
    const committed = await client.readAll(sink);
    const uncommitted = await client.readAll(sink, undefined, { readUncommitted: true });
    expect(uncommitted.length).toBe(committed.length);
  });
});

describe("large outputs are sent in chunks", () => {
  it("chunk(): no send over the byte or message limit, counting UTF-8 bytes, keys and headers", () => {
    const msg = (value: string, headers?: Record<string, string>): OutMessage => ({
      topic: "t",
      partition: 0,
      key: "k",
      value,
      ...(headers ? { headers } : {}),
    });
    // 3-byte characters: by string length these would fit three times over.
    const wide = Array.from({ length: 600 }, () => msg("漢".repeat(1000)));
    const chunks = chunk(wide);
    const bytes = (ms: readonly OutMessage[]) => ms.reduce((n, m) => n + Buffer.byteLength(m.value ?? "") + Buffer.byteLength(m.key ?? ""), 0);
    expect(chunks.length).toBeGreaterThan(3);
    for (const c of chunks) expect(bytes(c)).toBeLessThanOrEqual(CHUNK_BYTES);
    expect(chunks.flat()).toEqual(wide);
    const many = Array.from({ length: 5000 }, (_, i) => msg(String(i), { h: "x" }));
    expect(chunk(many).every((c) => c.length <= CHUNK_MESSAGES)).toBe(true);
    expect(chunk(many).flat()).toEqual(many);
    expect(chunk([])).toEqual([]);
  });

  it("a batch whose outputs are several MB (lines of thousands of words, one repartition record each)", async () => {
    const word = (n: number) => String.fromCharCode(97 + (n % 26), 97 + (Math.floor(n / 26) % 26)) + "z".repeat(n % 50);
    const long = Array.from({ length: 30 }, (_, i) => ({ line: Array.from({ length: 1500 }, (_, j) => word((i * 7 + j) % 997)).join(" ") }));
    const inputs = { lines: jsonl("long", long) };
    const direct = await runDirect(wordcount, { inputs });
    expect(direct.outputs.counts!.length).toBeGreaterThan(900);
    const logs: Record<string, unknown>[] = [];
    const kafka = await runKafka(wordcount, { inputs, brokers: brokers(), partitions: 3, log: (e) => logs.push(e) });
    expect(canonicalJson(kafka.outputs)).toBe(canonicalJson(direct.outputs));
    // The source task's output (45 000 repartition records from a few input batches) was committed in parts.
    expect(logs.some((e) => e.event === "partial commit")).toBe(true);
  });
});

describe("reading a topic to its end (restores, sinks): readAll", () => {
  it("ends on partitions whose tail is a commit marker, that hold only an aborted transaction, or nothing", async () => {
    const { appId } = freshApp("read-all");
    const topic = `${appId}.t`;
    topics.push(topic);
    await client.createTopics([{ topic, partitions: 4, compacted: true }]);
    const p = await client.producer({ transactionalId: `${appId}-tx` });
    // Partition 0: two committed transactions (the tail is a commit marker).
    await p.sendInTransaction([{ topic, partition: 0, key: "a", value: "1" }], appId, []);
    await p.sendInTransaction(
      [
        { topic, partition: 0, key: "b", value: "2" },
        { topic, partition: 0, key: "a", value: null },
      ],
      appId,
      [],
    );
    // Partition 1: only an aborted transaction (records and an abort marker, nothing committed).
    const kafka = new Kafka({ clientId: "abort", brokers: brokers(), logLevel: logLevel.NOTHING });
    const aborting = kafka.producer({ transactionalId: `${appId}-abort`, idempotent: true, maxInFlightRequests: 1 });
    await aborting.connect();
    const tx = await aborting.transaction();
    await tx.send({ topic, messages: [{ partition: 1, key: "x", value: "aborted" }] });
    await tx.abort();
    await aborting.disconnect();
    // Partition 2: plain records; partition 3: empty.
    const plain = await client.producer();
    await plain.send([{ topic, partition: 2, key: "c", value: "3" }]);
    await plain.close();
    await p.close();

    const t0 = Date.now();
    const all = await client.readAll(topic, undefined, { timeoutMs: 15_000 });
    expect(all.map((m) => [m.partition, m.key, m.value])).toEqual([
      [0, "a", "1"],
      [0, "b", "2"],
      [0, "a", null],
      [2, "c", "3"],
    ]);
    expect(await client.readAll(topic, [1, 3], { timeoutMs: 15_000 })).toEqual([]);
    expect((await client.readAll(topic, [1], { timeoutMs: 15_000, readUncommitted: true })).map((m) => m.value)).toEqual(["aborted"]);
    expect(Date.now() - t0).toBeLessThan(15_000);
  });

  it("gives up with a clear error instead of waiting forever", async () => {
    const { appId } = freshApp("read-all-timeout");
    const topic = `${appId}.t`;
    topics.push(topic);
    await client.createTopics([{ topic, partitions: 1 }]);
    const plain = await client.producer();
    await plain.send([{ topic, partition: 0, key: "c", value: "3" }]);
    await plain.close();
    await expect(client.readAll(topic, undefined, { timeoutMs: 1 })).rejects.toThrow(/reading topic .* timed out after 1 ms/);
  });
});

describe("an executor that throws (onExecutorError: fail)", () => {
  it("fails the run without committing past the failing record; a restart with dead-lettering resumes there, exactly once", async () => {
    const app = freshApp("picky");
    topics.push(...appTopics(pickyTotals, app));
    const rows = readings(89, 300).map((r) => (typeof r !== "string" && (r as { n: number }).n === 13 ? { ...r, n: 12 } : r));
    const at = 150;
    const bad = { ...(rows[at] as object), n: 13 };
    rows[at] = bad;
    const badPartition = partitionFor(sourceKey(bad, ["device"])!, 3);
    const direct = await runDirect(pickyTotals, { inputs: { readings: jsonl("picky", rows) }, onExecutorError: "deadLetter" });
    expect(direct.deadLetters.some((d) => d.reason.includes("unlucky 13"))).toBe(true);
    const source = `${app.topicPrefix}readings`;
    const sink = `${app.topicPrefix}totals`;

    const failing = new KafkaStreamRunner({ brokers: brokers(), ...app });
    await failing.start(pickyTotals);
    await produce(client, source, 3, rows.slice(0, 200), ["device"]);
    await waitUntil("the run fails", () => failing.error() !== undefined, 30_000);
    // More records arrive in every partition after the failure: none may be processed and committed.
    await produce(client, source, 3, rows.slice(200), ["device"]);
    await new Promise((r) => setTimeout(r, 1500));
    await failing.stop();
    const err = failing.error() as Error;
    expect(err.name).toBe("RunError");
    expect(err.message).toContain("unlucky 13");
    // The bad record's offset in its partition, and what was committed there: not past it.
    const inPartition = (await client.readAll(source, [badPartition])).find((m) => m.value === JSON.stringify(bad))!;
    const committed = (await client.committedOffsets(app.appId, source))[badPartition] ?? -1;
    expect(committed).toBeLessThanOrEqual(inPartition.offset);

    const resumed = new KafkaStreamRunner({ brokers: brokers(), ...app, onExecutorError: "deadLetter" });
    await resumed.start(pickyTotals);
    try {
      await waitForView(client, sink, direct.outputs.totals!, { runners: [resumed] });
    } finally {
      await resumed.stop();
    }
    expect((await client.readAll(sink)).length).toBe(direct.metrics[stageOf(pickyTotals, "combine")]!.panes);
    const dead = (await client.readAll(`${app.appId}.dead-letters`)).map((m) => JSON.parse(m.value!) as { reason: string });
    expect(dead.length).toBe(direct.deadLetters.length);
    expect(dead.filter((d) => d.reason.includes("unlucky 13")).length).toBe(1);
  });
});

describe("commits that fail are recovered from the committed state", () => {
  const { events, items } = engagement(97, 600);
  const cases: { name: string; pipeline: Pipeline<any>; inputs: Record<string, string>; params?: Record<string, string> }[] = [
    // A repartition with end-of-input markers: a rebuilt downstream task must still know which upstream tasks ended.
    { name: "wordcount", pipeline: wordcount, inputs: { lines: jsonl("lines", lines(101, 400)) } },
    { name: "user-sequences", pipeline: userSequences, inputs: { events: jsonl("events", events), items: jsonl("items", items) } },
  ];
  for (const c of cases) {
    it(`${c.name}: every 3rd commit fails (before or after reaching the broker); the same results as the DirectRunner`, async () => {
      const direct = await runDirect(c.pipeline, { inputs: c.inputs });
      const flaky = new FlakyCommits(makeKafkaClient(undefined, brokers()), 3);
      const logs: Record<string, unknown>[] = [];
      try {
        const kafka = await runKafka(c.pipeline, {
          inputs: c.inputs,
          brokers: brokers(),
          partitions: 3,
          client: flaky,
          log: (e) => logs.push(e),
          timeoutMs: 60_000,
        });
        expectParity(kafka, direct, `${c.name} with failing commits`);
      } finally {
        await flaky.close();
      }
      expect(flaky.failedBefore).toBeGreaterThan(0);
      expect(flaky.failedAfter).toBeGreaterThan(0);
      expect(logs.filter((e) => e.event === "batch failed").length).toBe(flaky.failedBefore + flaky.failedAfter);
    });
  }
});
