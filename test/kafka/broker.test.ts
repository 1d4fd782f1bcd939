/**
 * The test Kafka broker (scripts/kafka) behaves like Kafka: keyed partitioning with per-key order,
 * consumer groups, and transactions (read_committed hides aborted data).
 *
 * Uses the broker from test/kafka-global-setup.ts (via inject / KAFKA_BROKERS); when run without
 * that setup, starts its own.
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Kafka, logLevel, type Consumer, type EachMessagePayload } from "kafkajs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startBroker, type Broker } from "../../scripts/kafka/broker.ts";

let brokers: string;
let ownBroker: Broker | undefined;
let kafka: Kafka;
const runId = randomUUID().slice(0, 8);
const REPO = join(import.meta.dirname, "../..");

beforeAll(async () => {
  const provided = inject("kafkaBrokers") ?? process.env.KAFKA_BROKERS;
  if (provided) {
    brokers = provided;
  } else {
    ownBroker = await startBroker();
    brokers = ownBroker.brokers;
  }
  kafka = new Kafka({ clientId: `lockstep-test-${runId}`, brokers: brokers.split(","), logLevel: logLevel.NOTHING });
}, 180_000); // the first run may download the broker (~50 MB)

afterAll(async () => {
  await ownBroker?.stop();
});

async function createTopic(topic: string, numPartitions: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions, replicationFactor: 1 }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

/** Runs `consumer` on `topic` from the beginning until `done()` holds; then disconnects it. */
async function consumeUntil(
  consumer: Consumer,
  topic: string,
  onMessage: (p: EachMessagePayload) => void,
  done: () => boolean,
  timeoutMs = 30_000,
): Promise<void> {
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out consuming ${topic}`)), timeoutMs);
      consumer
        .run({
          eachMessage: async (p) => {
            onMessage(p);
            if (done()) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
}

describe("test Kafka broker", () => {
  it("partitions keyed messages over 3 partitions and keeps per-key order through a consumer group", async () => {
    const topic = `keyed-${runId}`;
    await createTopic(topic, 3);

    const admin = kafka.admin();
    await admin.connect();
    const meta = await admin.fetchTopicMetadata({ topics: [topic] });
    await admin.disconnect();
    expect(meta.topics[0].partitions).toHaveLength(3);

    const N = 1000;
    const KEYS = 20;
    const producer = kafka.producer();
    await producer.connect();
    for (let batch = 0; batch < N / 100; batch++) {
      const messages = Array.from({ length: 100 }, (_, j) => {
        const i = batch * 100 + j;
        return { key: `k${i % KEYS}`, value: JSON.stringify({ i, seq: Math.floor(i / KEYS) }) };
      });
      await producer.send({ topic, messages });
    }
    await producer.disconnect();

    const seen = new Map<string, { seq: number; partition: number }[]>();
    let count = 0;
    const consumer = kafka.consumer({ groupId: `g-${topic}`, maxWaitTimeInMs: 100 });
    await consumeUntil(
      consumer,
      topic,
      ({ partition, message }) => {
        const key = message.key!.toString();
        const { seq } = JSON.parse(message.value!.toString()) as { seq: number };
        if (!seen.has(key)) seen.set(key, []);
        seen.get(key)!.push({ seq, partition });
        count++;
      },
      () => count >= N,
    );

    expect(count).toBe(N);
    expect(seen.size).toBe(KEYS);
    const partitionsUsed = new Set<number>();
    for (const [key, msgs] of seen) {
      expect(
        msgs.map((m) => m.seq),
        key,
      ).toEqual(Array.from({ length: N / KEYS }, (_, s) => s));
      const parts = new Set(msgs.map((m) => m.partition));
      expect(parts.size, `${key} stays on one partition`).toBe(1);
      partitionsUsed.add(msgs[0].partition);
    }
    expect(partitionsUsed.size).toBe(3);

    // The group committed its offsets.
    const admin2 = kafka.admin();
    await admin2.connect();
    const [offsets] = await admin2.fetchOffsets({ groupId: `g-${topic}`, topics: [topic] });
    await admin2.disconnect();
    const committed = offsets.partitions.reduce((sum, p) => sum + Number(p.offset), 0);
    expect(committed).toBeGreaterThan(0);
    expect(committed).toBeLessThanOrEqual(N);
  }, 60_000);

  it("shows committed transactions and hides aborted ones from read_committed consumers", async () => {
    const topic = `tx-${runId}`;
    await createTopic(topic, 1);

    const producer = kafka.producer({ transactionalId: `tx-${runId}`, idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const sendTx = async (tag: string, n: number, commit: boolean) => {
      const tx = await producer.transaction();
      await tx.send({
        topic,
        messages: Array.from({ length: n }, (_, i) => ({ key: tag, value: `${tag}-${i}` })),
      });
      if (commit) await tx.commit();
      else await tx.abort();
    };
    await sendTx("committed1", 5, true);
    await sendTx("aborted", 5, false);
    await sendTx("committed2", 5, true); // the last transaction tells us we read past the abort
    await producer.disconnect();

    const readAll = async (readUncommitted: boolean) => {
      const values: string[] = [];
      const consumer = kafka.consumer({ groupId: `g-${topic}-${readUncommitted}`, readUncommitted, maxWaitTimeInMs: 100 });
      await consumeUntil(
        consumer,
        topic,
        ({ message }) => void values.push(message.value!.toString()),
        () => values.includes("committed2-4"),
      );
      return values;
    };

    const committedView = await readAll(false);
    expect(committedView).toEqual([...Array.from({ length: 5 }, (_, i) => `committed1-${i}`), ...Array.from({ length: 5 }, (_, i) => `committed2-${i}`)]);

    // The aborted records are in the log: a read_uncommitted consumer does see them.
    const uncommittedView = await readAll(true);
    expect(uncommittedView.filter((v) => v.startsWith("aborted"))).toHaveLength(5);
    expect(uncommittedView).toHaveLength(15);
  }, 60_000);
});

describe("scripts/kafka/start.ts --data-dir (a real process)", () => {
  /** Starts start.ts on `dataDir`; resolves once it prints KAFKA_BROKERS, with a stop() that SIGTERMs it and waits. */
  const start = (dataDir: string) =>
    new Promise<{ brokers: string; stop: () => Promise<number | null> }>((resolvePromise, reject) => {
      const p = spawn(process.execPath, ["--import", "tsx", join(REPO, "scripts/kafka/start.ts"), "--data-dir", dataDir], {
        cwd: REPO,
        stdio: ["ignore", "pipe", "pipe"],
      });
      let out = "";
      let err = "";
      const exited = new Promise<number | null>((r) => p.once("exit", (code) => r(code)));
      const timer = setTimeout(() => {
        p.kill("SIGKILL");
        reject(new Error(`start.ts did not become ready in 150 s; stderr: ${err}`));
      }, 150_000);
      p.stderr.on("data", (d) => (err += String(d)));
      p.stdout.on("data", (d) => {
        out += String(d);
        const m = /^KAFKA_BROKERS=(\S+)$/m.exec(out);
        if (m) {
          clearTimeout(timer);
          resolvePromise({
            brokers: m[1]!,
            stop: async () => {
              p.kill("SIGTERM");
              return exited;
            },
          });
        }
      });
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`start.ts exited (${code}) before it was ready; stderr: ${err}`));
      });
    });

  it("restarts on its own data directory, keeping the cluster id and the data", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "lockstep-kafka-restart-"));
    try {
      const first = await start(dataDir);
      const topic = `survives-${runId}`;
      const k1 = new Kafka({ clientId: "restart-1", brokers: first.brokers.split(","), logLevel: logLevel.NOTHING });
      const admin = k1.admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
      await admin.disconnect();
      const producer = k1.producer();
      await producer.connect();
      await producer.send({ topic, messages: [{ value: "kept" }], acks: -1 });
      await producer.disconnect();
      const clusterId = /^cluster\.id=(.+)$/m.exec(readFileSync(join(dataDir, "meta.properties"), "utf8"))?.[1];
      expect(await first.stop()).toBe(0);

      const second = await start(dataDir);
      try {
        expect(/^cluster\.id=(.+)$/m.exec(readFileSync(join(dataDir, "meta.properties"), "utf8"))?.[1]).toBe(clusterId);
        const k2 = new Kafka({ clientId: "restart-2", brokers: second.brokers.split(","), logLevel: logLevel.NOTHING });
        const values: string[] = [];
        await consumeUntil(
          k2.consumer({ groupId: `g-${topic}`, maxWaitTimeInMs: 100 }),
          topic,
          ({ message }) => void values.push(message.value!.toString()),
          () => values.length > 0,
          60_000,
        );
        expect(values).toEqual(["kept"]);
      } finally {
        expect(await second.stop()).toBe(0);
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 400_000);
});
