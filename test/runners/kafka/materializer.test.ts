/**
 * The materializer (issue 10 §2): a view store kept equal to the final view of a job's sink topics,
 * read_committed, with the offsets it reflects in the same store transaction, so a restart resumes
 * where the store is and an aborted pane is never visible.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Kafka, logLevel } from "kafkajs";
import { afterAll, describe, expect, it } from "vitest";
import windowCount from "../../../examples/window-count.ts";
import { compile } from "../../../src/plan/compile.ts";
import { registryOf } from "../../../src/plan/index.ts";
import { startServer } from "../../../src/serve/server.ts";
import { canonicalJson } from "../../../src/core/canonical.ts";
import { runDirect } from "../../../runners/direct/index.ts";
import { runKafka } from "../../../runners/kafka/index.ts";
import { materializableSinks, startMaterializer } from "../../../runners/kafka/materializer.ts";
import { openViewStore } from "../../../src/store/index.ts";
import { SOURCE_BIN } from "../../cli/helpers.ts";
import { brokers, jsonl, kafkaForTests, repo, waitUntil } from "./helpers.ts";

const { client, topics } = kafkaForTests();
const dirs: string[] = [];
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const storeDir = () => {
  const d = mkdtempSync(join(tmpdir(), "lockstep-materializer-"));
  dirs.push(d);
  return d;
};

const events = Array.from({ length: 300 }, (_, i) => ({ key: `k${i % 7}`, ts: 1000 + i * 173 }));
const plan = compile(windowCount, {});
const identity = { name: plan.name, version: plan.version, hash: plan.hash };
const keyOf = (r: Record<string, unknown>) => ({ key: r.key, windowStart: r.windowStart, windowEnd: r.windowEnd });

/** Every key of the expected rows has exactly its row in the store, and the store has no other key. */
const expectStoreEquals = (dir: string, rows: readonly Record<string, unknown>[]) => {
  const store = openViewStore(dir, { readOnly: true });
  try {
    for (const r of rows) expect(store.get("counts", keyOf(r)), canonicalJson(keyOf(r))).toEqual([r]);
    expect(store.sink("counts")?.keys).toBe(rows.length);
  } finally {
    void store.close();
  }
};

describe("the materializer", () => {
  it("keeps a store equal to the sink topic's final view, resumes from the store's offsets, never shows an aborted pane", async () => {
    const logs: Record<string, unknown>[] = [];
    const input = jsonl("events", events);
    const kafka = await runKafka(windowCount, { inputs: { events: input }, brokers: brokers(), partitions: 3, keepTopics: true, log: (e) => logs.push(e) });
    const app = String(logs.find((e) => e.event === "run")?.app);
    const sinkTopic = `${app}.counts`;
    topics.push(sinkTopic, `${app}.events`, `${app}.dead-letters`, `${app}.late`);
    const direct = await runDirect(windowCount, { inputs: { events: input } });
    const want = direct.outputs.counts as Record<string, unknown>[];
    expect(kafka.outputs.counts).toEqual(want);

    const dir = storeDir();
    let applied = 0;
    const store = openViewStore(dir, { definition: identity });
    const m = await startMaterializer({ client, plan, store, topicPrefix: `${app}.`, onApplied: (e) => void (applied += e.panes) });
    await m.caughtUp();
    await m.stop();
    await store.close();
    expectStoreEquals(dir, want);
    expect(applied).toBeGreaterThan(0);

    // More committed records after the stop: a new count for one key, a retraction of another —
    // and an aborted transaction that must never be applied.
    const [changed, retracted] = want as Record<string, unknown>[];
    const kafkajs = new Kafka({ brokers: brokers(), logLevel: logLevel.NOTHING });
    const tx = kafkajs.producer({ transactionalId: `${app}-test-writer`, maxInFlightRequests: 1, idempotent: true });
    await tx.connect();
    const record = (r: Record<string, unknown>, value: unknown) => ({ key: JSON.stringify(keyOf(r)), value: value === null ? null : JSON.stringify(value) });
    const aborted = await tx.transaction();
    const ghost = { key: "ghost", windowStart: 0, windowEnd: 10_000, count: 1 };
    await aborted.send({ topic: sinkTopic, messages: [record(ghost, ghost), record(changed!, { ...changed, count: -999 })] });
    await aborted.abort();
    const committed = await tx.transaction();
    await committed.send({ topic: sinkTopic, messages: [record(changed!, { ...changed, count: 4242 }), record(retracted!, null)] });
    await committed.commit();
    await tx.disconnect();

    let reapplied = 0;
    const store2 = openViewStore(dir, { definition: identity });
    const m2 = await startMaterializer({ client, plan, store: store2, topicPrefix: `${app}.`, onApplied: (e) => void (reapplied += e.panes) });
    await m2.caughtUp();
    await m2.stop();
    await store2.close();
    // Only the two new records were applied: the restart did not re-read the topic.
    expect(reapplied).toBe(2);
    expectStoreEquals(dir, [{ ...changed, count: 4242 }, ...want.slice(2)]);
    const again = openViewStore(dir, { readOnly: true });
    expect(again.get("counts", keyOf(retracted!))).toBeUndefined();
    expect(again.get("counts", keyOf(ghost)), "a pane of an aborted transaction").toBeUndefined();
    void again.close();
  });

  it("as a process: SIGKILLed and restarted while committed records keep arriving, it converges to the final view; SIGTERM exits 0", async () => {
    const logs: Record<string, unknown>[] = [];
    const input = jsonl("events", events);
    await runKafka(windowCount, { inputs: { events: input }, brokers: brokers(), partitions: 3, keepTopics: true, log: (e) => logs.push(e) });
    const app = String(logs.find((e) => e.event === "run")?.app);
    const sinkTopic = `${app}.counts`;
    topics.push(sinkTopic, `${app}.events`, `${app}.dead-letters`, `${app}.late`);
    const want = new Map((await runDirect(windowCount, { inputs: { events: input } })).outputs.counts!.map((r) => [canonicalJson(keyOf(r as never)), r]));
    const dir = storeDir();
    const start = () => {
      const child = spawn(
        process.execPath,
        [...SOURCE_BIN, "materialize", "examples/window-count.ts", "--store", dir, "--brokers", brokers().join(","), "--topic-prefix", `${app}.`],
        {
          cwd: repo("."),
          stdio: ["ignore", "ignore", "pipe"],
        },
      );
      children.push(child);
      return child;
    };
    // Committed updates while the materializer runs and is killed: new counts for existing keys.
    const kafkajs = new Kafka({ brokers: brokers(), logLevel: logLevel.NOTHING });
    const tx = kafkajs.producer({ transactionalId: `${app}-process-writer`, maxInFlightRequests: 1, idempotent: true });
    await tx.connect();
    const keys = [...want.values()] as Record<string, unknown>[];
    const writeUpdates = async (round: number) => {
      const t = await tx.transaction();
      const rows = keys.filter((_, i) => i % 5 === round % 5).map((r) => ({ ...r, count: 1000 * round + Number(r.count) }));
      await t.send({ topic: sinkTopic, messages: rows.map((r) => ({ key: JSON.stringify(keyOf(r)), value: JSON.stringify(r) })) });
      await t.commit();
      for (const r of rows) want.set(canonicalJson(keyOf(r)), r);
    };
    const storeMatches = () => {
      if (!existsSync(join(dir, "views.mdb"))) return false;
      const s = openViewStore(dir, { readOnly: true });
      try {
        return [...want.values()].every((r) => canonicalJson(s.get("counts", keyOf(r as never))) === canonicalJson([r]));
      } finally {
        void s.close();
      }
    };
    let child = start();
    for (let round = 1; round <= 3; round++) {
      await writeUpdates(round);
      await waitUntil(`the store has round ${round}`, storeMatches, 90_000);
      child.kill("SIGKILL");
      await once(child, "exit");
      await writeUpdates(round + 10); // written while no materializer runs
      child = start();
    }
    await waitUntil("the restarted materializer caught up", storeMatches, 90_000);
    await tx.disconnect();
    child.kill("SIGTERM");
    const [code] = await once(child, "exit");
    expect(code).toBe(0);
    const s = openViewStore(dir, { readOnly: true });
    expect(s.sink("counts")?.keys).toBe(want.size);
    void s.close();
  });

  it("records the sink topic's high watermarks with each commit: /metrics shows lag 0 once caught up, after committed and aborted transactions, and the store's age", async () => {
    const logs: Record<string, unknown>[] = [];
    const input = jsonl("events", events);
    await runKafka(windowCount, { inputs: { events: input }, brokers: brokers(), partitions: 3, keepTopics: true, log: (e) => logs.push(e) });
    const app = String(logs.find((e) => e.event === "run")?.app);
    const sinkTopic = `${app}.counts`;
    topics.push(sinkTopic, `${app}.events`, `${app}.dead-letters`, `${app}.late`);
    const dir = storeDir();
    const store = openViewStore(dir, { definition: identity });
    const server = await startServer({ plan, registry: registryOf(windowCount), store: dir, port: 0 });
    const metric = async (name: string): Promise<number | undefined> => {
      const text = await (await fetch(`${server.url}/metrics`)).text();
      const m = new RegExp(`^${name}\\{sink="counts"\\} (\\S+)$`, "m").exec(text);
      return m ? Number(m[1]) : undefined;
    };
    const lagIsZero = async () => (await metric("lockstep_serve_store_lag_records")) === 0;
    try {
      const m = await startMaterializer({ client, plan, store, topicPrefix: `${app}.`, sinks: ["counts"] });
      await m.caughtUp();
      await waitUntil("lag 0 after the job's transactions", lagIsZero, 30_000);
      // The high watermarks the store recorded are the topic's end offsets (transaction markers included).
      const ends = await client.endOffsets(sinkTopic);
      const rec = store.sink("counts")!;
      expect(rec.highWatermarks).toEqual(Object.fromEntries(ends.map((e, p) => [String(p), String(e)]).filter(([, e]) => e !== "0")));
      expect(Object.keys(rec.highWatermarks!).length).toBeGreaterThan(0);
      const age = await metric("lockstep_serve_store_age_seconds");
      expect(age).toBeGreaterThanOrEqual(0);

      // A committed transaction, then an aborted one at the end of the partition: the consumer
      // delivers nothing for the aborted records and their marker, and lag still reaches 0.
      const kafkajs = new Kafka({ brokers: brokers(), logLevel: logLevel.NOTHING });
      const tx = kafkajs.producer({ transactionalId: `${app}-lag-writer`, maxInFlightRequests: 1, idempotent: true });
      await tx.connect();
      const row = (await runDirect(windowCount, { inputs: { events: input } })).outputs.counts![0] as Record<string, unknown>;
      const message = { key: JSON.stringify(keyOf(row)), value: JSON.stringify({ ...row, count: 777 }), partition: 0 };
      const committed = await tx.transaction();
      await committed.send({ topic: sinkTopic, messages: [message] });
      await committed.commit();
      const aborted = await tx.transaction();
      await aborted.send({ topic: sinkTopic, messages: [message, message] });
      await aborted.abort();
      await tx.disconnect();
      // The abort marker may land after abort() returns: wait for the end to settle past the records.
      let end0 = 0;
      await waitUntil(
        "the store reflects partition 0 up to its end",
        async () => {
          end0 = (await client.endOffsets(sinkTopic))[0]!;
          return Number(store.offsets("counts")["0"]) === end0;
        },
        30_000,
      ).catch((e: unknown) => {
        throw new Error(`${(e as Error).message}: end ${end0}, store ${JSON.stringify(store.sink("counts"))}`);
      });
      await waitUntil("lag 0 after an aborted transaction at the end", lagIsZero, 30_000);
      expect(store.get("counts", keyOf(row))).toEqual([{ ...row, count: 777 }]);
      await m.stop();
    } finally {
      await server.close();
      await store.close();
    }
  });

  it("refuses what a store cannot serve by key, naming the sink and the fix", () => {
    expect(() => materializableSinks(plan, ["nope"])).toThrow(/no sink "nope".*"counts"/);
  });

  it("stores a pane of several rows in final-view order (canonical JSON), as a batch snapshot does, whatever order the stage emitted", async () => {
    const prefix = `rows-${Date.now()}.`;
    const topic = `${prefix}counts`;
    topics.push(topic);
    await client.createTopics([{ topic, partitions: 1, compacted: false }]);
    const key = { key: "a", windowStart: 0, windowEnd: 10_000 };
    const rows = [
      { key: "a", windowStart: 0, windowEnd: 10_000, count: 2 },
      { key: "a", windowStart: 0, windowEnd: 10_000, count: 10 },
    ];
    const producer = await client.producer();
    await producer.send([{ topic, partition: 0, key: JSON.stringify(key), value: JSON.stringify([rows[0], rows[1]]) }]);
    await producer.close();
    const dir = storeDir();
    const store = openViewStore(dir, { definition: identity });
    const m = await startMaterializer({ client, plan, store, topicPrefix: prefix });
    await waitUntil("the pane is applied", () => store.get("counts", key) !== undefined, 60_000);
    await m.stop();
    // Canonical JSON order: `…"count":10…` sorts before `…"count":2…`.
    expect(store.get("counts", key)).toEqual([rows[1], rows[0]].sort((a, b) => (canonicalJson(a) < canonicalJson(b) ? -1 : 1)));
    expect(canonicalJson(store.get("counts", key)![0])).toContain('"count":10');
    await store.close();
  }, 60_000);
});
