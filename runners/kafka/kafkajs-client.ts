/**
 * The kafkajs implementation of {@link KafkaClient}.
 *
 * kafkajs facts this relies on: transactional offset commits work with one
 * transactional producer per task (the per-partition model); `sendOffsets`
 * can fail with "concurrent transactions" right after a previous commit and
 * is retried; a send is never split by kafkajs, so sends are chunked to stay
 * far below the broker's 1 MB limit; there are no assign/revoke callbacks, so
 * assignments come from the `GROUP_JOIN` event.
 *
 * @module
 */
import { isUtf8 } from "node:buffer";
import { randomUUID } from "node:crypto";
import { AssignerProtocol, Kafka, logLevel } from "kafkajs";
import type { Admin, Consumer, EachBatchPayload, PartitionAssigner, Producer as KProducer } from "kafkajs";
import { MAX_RECORD_BYTES, recordBytes, RecordTooLargeError, retryingWhile, untilLeaders } from "./client.ts";
import type { GroupConsumer, GroupHandlers, InMessage, KafkaClient, OffsetCommit, OutMessage, ProducedOffsets, Producer, TopicSpec } from "./client.ts";

/**
 * Largest number of messages and bytes in one send: kafkajs sends a
 * partition's messages as one record batch and the broker refuses batches over
 * `message.max.bytes` (~1 MB by default), so sends stay well below it.
 */
export const CHUNK_MESSAGES = 2000;
export const CHUNK_BYTES = 512 * 1024;

const sizeOf = recordBytes;

/** `{ invalidUtf8 }` when a message value is not UTF-8, so its bytes reach the edge unchanged (see InMessage). */
const invalidUtf8Of = (value: Buffer | null): { invalidUtf8?: Uint8Array } => (value === null || isUtf8(value) ? {} : { invalidUtf8: value });

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Partition p of every subscribed topic goes to the same member, so a task
 * that reads several co-partitioned topics (a join, a flatten, an upstream
 * source and its repartition topic) has all its inputs in one process.
 */
const partitionAligned: PartitionAssigner = ({ cluster }) => ({
  name: "LockstepPartitionAligned",
  version: 1,
  async assign({ members, topics }) {
    const sorted = members.map((m) => m.memberId).sort();
    const assignment: Record<string, Record<string, number[]>> = {};
    for (const topic of topics) {
      for (const { partitionId } of cluster.findTopicPartitionMetadata(topic)) {
        const member = sorted[partitionId % sorted.length]!;
        ((assignment[member] ??= {})[topic] ??= []).push(partitionId);
      }
    }
    return sorted.map((memberId) => ({
      memberId,
      memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 1, assignment: assignment[memberId] ?? {}, userData: Buffer.alloc(0) }),
    }));
  },
  protocol({ topics }) {
    return { name: "LockstepPartitionAligned", metadata: AssignerProtocol.MemberMetadata.encode({ version: 1, topics, userData: Buffer.alloc(0) }) };
  },
});

/** Splits messages into sends the broker accepts. */
export const chunk = (messages: readonly OutMessage[]): OutMessage[][] => {
  const out: OutMessage[][] = [];
  let cur: OutMessage[] = [];
  let bytes = 0;
  for (const m of messages) {
    const size = sizeOf(m);
    if (cur.length > 0 && (cur.length >= CHUNK_MESSAGES || bytes + size > CHUNK_BYTES)) {
      out.push(cur);
      cur = [];
      bytes = 0;
    }
    cur.push(m);
    bytes += size;
  }
  if (cur.length > 0) out.push(cur);
  return out;
};

const toKafka = (msgs: readonly OutMessage[]) => {
  const byTopic = new Map<string, { partition: number; key: string | null; value: string | Buffer | null; headers?: Record<string, string> }[]>();
  for (const m of msgs) {
    let l = byTopic.get(m.topic);
    if (!l) byTopic.set(m.topic, (l = []));
    l.push({
      partition: m.partition,
      key: m.key,
      value: typeof m.value === "object" && m.value !== null ? Buffer.from(m.value) : m.value,
      ...(m.headers ? { headers: { ...m.headers } } : {}),
    });
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
};

/**
 * Runs an admin request again while the broker answers with a retriable error
 * (kafkajs gives up on some at once: right after a topic is created, the
 * partition leader may answer NOT_LEADER_FOR_PARTITION for a moment).
 */
const retrying = <A>(f: () => Promise<A>, attempts?: number): Promise<A> => retryingWhile(isRetriable, f, attempts);

const isRetriable = (e: unknown): boolean => {
  const err = e as { retriable?: boolean; type?: string; message?: string };
  return Boolean(err?.retriable) || err?.type === "CONCURRENT_TRANSACTIONS" || /concurrent transactions/i.test(err?.message ?? "");
};

/** Refuses a send holding a record Kafka can never store (before anything of it is written). */
export const checkSizes = (messages: readonly OutMessage[]): void => {
  for (const m of messages) {
    const bytes = sizeOf(m);
    if (bytes > MAX_RECORD_BYTES) throw new RecordTooLargeError(m.topic, m.partition, bytes);
  }
};

/** The broker's "too large" answers (its limit, or the topic's, may be below ours) as the fatal error they are. */
const tooLarge = (e: unknown, c: readonly OutMessage[]): unknown => {
  const type = (e as { type?: string })?.type;
  if (type !== "MESSAGE_TOO_LARGE" && type !== "RECORD_LIST_TOO_LARGE") return e;
  const biggest = c.reduce((a, m) => (sizeOf(m) > sizeOf(a) ? m : a), c[0]!);
  return new RecordTooLargeError(biggest.topic, biggest.partition, undefined, { cause: e });
};

/**
 * Records in `produced` where one send's records landed: a produce request carries one record batch
 * per partition, and the answer names its base offset, so the batch's records end at base + count.
 */
const noteProduced = (
  produced: Map<string, number>,
  sent: readonly OutMessage[],
  meta: readonly { topicName: string; partition: number; baseOffset?: string }[],
): void => {
  const counts = new Map<string, number>();
  for (const m of sent) counts.set(`${m.topic}/${m.partition}`, (counts.get(`${m.topic}/${m.partition}`) ?? 0) + 1);
  for (const r of meta) {
    const where = `${r.topicName}/${r.partition}`;
    const n = counts.get(where);
    if (n === undefined || r.baseOffset === undefined || Number(r.baseOffset) < 0) continue;
    produced.set(where, Math.max(produced.get(where) ?? 0, Number(r.baseOffset) + n));
  }
};

class KafkajsProducer implements Producer {
  constructor(
    private readonly p: KProducer,
    private readonly onClose: () => void,
  ) {}

  async send(messages: readonly OutMessage[]): Promise<ProducedOffsets> {
    checkSizes(messages);
    const produced = new Map<string, number>();
    for (const c of chunk(messages)) {
      const meta = await this.p.sendBatch({ topicMessages: toKafka(c), acks: -1 }).catch((e: unknown) => Promise.reject(tooLarge(e, c)));
      noteProduced(produced, c, meta);
    }
    return produced;
  }

  async sendInTransaction(messages: readonly OutMessage[], groupId: string, offsets: readonly OffsetCommit[]): Promise<ProducedOffsets> {
    checkSizes(messages);
    const produced = new Map<string, number>();
    const tx = await this.p.transaction();
    try {
      for (const c of chunk(messages)) {
        const meta = await tx.sendBatch({ topicMessages: toKafka(c), acks: -1 }).catch((e: unknown) => Promise.reject(tooLarge(e, c)));
        noteProduced(produced, c, meta);
      }
      if (offsets.length > 0) {
        const topics = new Map<string, { partition: number; offset: string }[]>();
        for (const o of offsets) {
          let l = topics.get(o.topic);
          if (!l) topics.set(o.topic, (l = []));
          l.push({ partition: o.partition, offset: String(o.offset) });
        }
        // The coordinator may still be completing the previous transaction: retry briefly.
        for (let attempt = 0; ; attempt++) {
          try {
            await tx.sendOffsets({ consumerGroupId: groupId, topics: [...topics].map(([topic, partitions]) => ({ topic, partitions })) });
            break;
          } catch (e) {
            if (!isRetriable(e) || attempt >= 20) throw e;
            await sleep(20 * (attempt + 1));
          }
        }
      }
      await tx.commit();
      return produced;
    } catch (e) {
      await tx.abort().catch(() => {});
      throw e;
    }
  }

  close(): Promise<void> {
    this.onClose();
    return this.p.disconnect();
  }
}

/**
 * A Kafka client whose admin lists offsets with READ_UNCOMMITTED isolation,
 * so `fetchTopicOffsets` answers the high watermark. kafkajs' admin has no
 * isolation option and always asks READ_COMMITTED, which answers the *last
 * stable offset*: right after a transaction commits, before its markers are
 * written, that is still below the transaction's records. kafkajs 2.x builds
 * every cluster through one private factory; this wraps it (and fails loudly
 * should a kafkajs upgrade remove it).
 */
const highWatermarkKafka = (config: ConstructorParameters<typeof Kafka>[0]): Kafka => {
  const kafka = new Kafka(config);
  const slot = Object.getOwnPropertySymbols(kafka).find((s) => s.description === "private:Kafka:createCluster");
  const k = kafka as unknown as Record<symbol, (o: Record<string, unknown>) => unknown>;
  if (slot === undefined || typeof k[slot] !== "function")
    throw new Error("this kafkajs version has no private:Kafka:createCluster: the high-watermark admin needs updating");
  const create = k[slot].bind(kafka);
  k[slot] = (o) => create({ ...o, isolationLevel: 0 });
  return kafka;
};

/** A {@link KafkaClient} on kafkajs. */
export class KafkajsClient implements KafkaClient {
  private readonly kafka: Kafka;
  private readonly hwKafka: Kafka;
  private adminClient: Admin | undefined;
  private hwAdminClient: Admin | undefined;
  /** Producers and group consumers not yet closed: {@link close} closes them, so a failed run never hangs on one. */
  private readonly live = new Set<() => Promise<void>>();

  constructor(
    readonly brokers: readonly string[],
    clientId = "lockstep",
  ) {
    const config = { clientId, brokers: [...brokers], logLevel: logLevel.NOTHING, retry: { retries: 8, initialRetryTime: 100 } };
    this.kafka = new Kafka(config);
    this.hwKafka = highWatermarkKafka(config);
  }

  /** The admin client; its `fetchTopicOffsets` answers last stable offsets (READ_COMMITTED). */
  private async admin(): Promise<Admin> {
    if (!this.adminClient) {
      const a = this.kafka.admin();
      await a.connect();
      this.adminClient = a;
    }
    return this.adminClient;
  }

  /** An admin client whose `fetchTopicOffsets` answers high watermarks (READ_UNCOMMITTED). */
  private async hwAdmin(): Promise<Admin> {
    if (!this.hwAdminClient) {
      const a = this.hwKafka.admin();
      await a.connect();
      this.hwAdminClient = a;
    }
    return this.hwAdminClient;
  }

  /**
   * High watermarks and low offsets of a topic. The high-watermark admin
   * remembers every topic it was asked about and fails on all of them once one
   * is deleted (kafkajs refreshes metadata for all): on failure it is made
   * afresh and asked once more.
   */
  private async highWatermarks(topic: string): Promise<{ partition: number; high: string; low: string }[]> {
    try {
      return await retrying(async () => (await this.hwAdmin()).fetchTopicOffsets(topic));
    } catch {
      await this.hwAdminClient?.disconnect().catch(() => {});
      this.hwAdminClient = undefined;
      return retrying(async () => (await this.hwAdmin()).fetchTopicOffsets(topic));
    }
  }

  /**
   * End offsets up to which every transaction is decided: the high watermarks
   * at the call, once the last stable offset of every partition has reached
   * them (a transaction open at the call commits or aborts, and the markers of
   * one that just committed are written). Reading to these never misses a
   * record committed before the call.
   */
  private async stableEnds(
    topic: string,
    partitions: readonly number[] | undefined,
    deadline: number,
  ): Promise<{ ends: Map<number, number>; lows: Map<number, number> }> {
    const hw = await this.highWatermarks(topic);
    const ends = new Map(hw.map((o) => [o.partition, Number(o.high)]));
    const lows = new Map(hw.map((o) => [o.partition, Number(o.low)]));
    const want = partitions ?? [...ends.keys()];
    for (let attempt = 0; ; attempt++) {
      const lso = new Map((await retrying(async () => (await this.admin()).fetchTopicOffsets(topic))).map((o) => [o.partition, Number(o.high)]));
      const open = want.filter((p) => (lso.get(p) ?? 0) < (ends.get(p) ?? 0));
      if (open.length === 0) return { ends, lows };
      if (Date.now() > deadline) {
        throw new Error(
          `reading topic ${topic}: partitions ${open.join(", ")} still hold undecided transactions (last stable offset below the high watermark ${open.map((p) => `${lso.get(p)} < ${ends.get(p)}`).join(", ")})`,
        );
      }
      await sleep(Math.min(20 * (attempt + 1), 200));
    }
  }

  async createTopics(specs: readonly TopicSpec[]): Promise<void> {
    const admin = await this.admin();
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((s) => !existing.has(s.topic));
    if (missing.length === 0) return;
    await admin.createTopics({
      // kafkajs' own leader wait can fail on a fresh KRaft broker with UNKNOWN_TOPIC_OR_PARTITION; we poll below.
      waitForLeaders: false,
      topics: missing.map((s) => ({
        topic: s.topic,
        numPartitions: s.partitions,
        replicationFactor: 1,
        configEntries: s.compacted ? [{ name: "cleanup.policy", value: "compact" }] : [],
      })),
    });
    const names = missing.map((s) => s.topic);
    await untilLeaders(names, async () => {
      const { topics } = await admin.fetchTopicMetadata({ topics: names });
      return topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0));
    });
  }

  async deleteTopics(topics: readonly string[]): Promise<void> {
    if (topics.length === 0) return;
    const admin = await this.admin();
    await admin.deleteTopics({ topics: [...topics] }).catch(() => {});
    // The high-watermark admin still has them as target topics, which would fail its next request.
    await this.hwAdminClient?.disconnect().catch(() => {});
    this.hwAdminClient = undefined;
  }

  async endOffsets(topic: string): Promise<number[]> {
    const offs = await this.highWatermarks(topic);
    const out: number[] = [];
    for (const o of offs) out[o.partition] = Number(o.high);
    return out;
  }

  async committedOffsets(groupId: string, topic: string): Promise<number[]> {
    const admin = await this.admin();
    const [t] = await retrying(() => admin.fetchOffsets({ groupId, topics: [topic] }));
    const out: number[] = [];
    for (const p of t?.partitions ?? []) out[p.partition] = Number(p.offset);
    return out;
  }

  async producer(opts: { transactionalId?: string } = {}): Promise<Producer> {
    const p = this.kafka.producer(
      opts.transactionalId
        ? // A short transaction timeout (as Kafka Streams uses) bounds how long a crashed owner's open
          // transaction can hold read_committed readers back, should no one take over its id.
          { transactionalId: opts.transactionalId, idempotent: true, maxInFlightRequests: 1, transactionTimeout: 10_000 }
        : { idempotent: true, maxInFlightRequests: 1 },
    );
    const disconnect = () => p.disconnect().catch(() => {});
    this.live.add(disconnect);
    try {
      await p.connect();
    } catch (e) {
      this.live.delete(disconnect);
      await disconnect();
      throw e;
    }
    if (opts.transactionalId) {
      // kafkajs initializes the transactional id (InitProducerId: fences older producers with this
      // id and aborts their open transaction) lazily, on the first transaction. Do it now, so the
      // caller reads state and offsets only after the previous owner can no longer commit.
      try {
        const tx = await p.transaction();
        await tx.abort();
      } catch (e) {
        this.live.delete(disconnect);
        await disconnect();
        throw e;
      }
    }
    return new KafkajsProducer(p, () => this.live.delete(disconnect));
  }

  async groupConsumer(groupId: string, topics: readonly string[], handlers: GroupHandlers, opts: { readCommitted: boolean }): Promise<GroupConsumer> {
    const consumer: Consumer = this.kafka.consumer({
      groupId,
      partitionAssigners: [partitionAligned],
      readUncommitted: !opts.readCommitted,
      // A crashed member holds its partitions until its session times out: keep that short.
      sessionTimeout: 10_000,
      rebalanceTimeout: 60_000,
      heartbeatInterval: 1000,
      maxWaitTimeInMs: 100,
      retry: { retries: 8 },
    });
    const stop = async () => {
      this.live.delete(stop);
      await consumer.stop().catch(() => {});
      await consumer.disconnect().catch(() => {});
    };
    this.live.add(stop);
    try {
      await this.runGroupConsumer(consumer, topics, handlers);
    } catch (e) {
      await stop();
      throw e;
    }
    return {
      commit: (offsets) => consumer.commitOffsets(offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: String(o.offset) }))),
      seek: (topic, partition, offset) => consumer.seek({ topic, partition, offset: String(offset) }),
      pause: (topic, partitions) => consumer.pause([{ topic, partitions: [...partitions] }]),
      resume: (topic, partitions) => consumer.resume([{ topic, partitions: [...partitions] }]),
      stop,
    };
  }

  private async runGroupConsumer(consumer: Consumer, topics: readonly string[], handlers: GroupHandlers): Promise<void> {
    await consumer.connect();
    consumer.on(consumer.events.GROUP_JOIN, (e) => void handlers.onAssign(e.payload.memberAssignment));
    consumer.on(consumer.events.CRASH, (e) => {
      const { error, restart } = e.payload as { error: unknown; restart: boolean };
      if (!restart) handlers.onCrash?.(error);
    });
    const onPassed = handlers.onPassed;
    if (onPassed) {
      // kafkajs resolves a fetch of only markers / aborted records itself, without eachBatch; this
      // event (its batchSize 0) is the only word of it.
      consumer.on(consumer.events.END_BATCH_PROCESS, (e) => {
        const b = e.payload as unknown as { topic: string; partition: number; batchSize: number; lastOffset: string; highWatermark: string };
        if (b.batchSize === 0)
          onPassed({ topic: b.topic, partition: b.partition, nextOffset: Number(b.lastOffset) + 1, highWatermark: Number(b.highWatermark) });
      });
    }
    await consumer.subscribe({ topics: [...topics], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload) => {
        if (!isRunning() || isStale()) return;
        const messages: InMessage[] = batch.messages.map((m) => ({
          topic: batch.topic,
          partition: batch.partition,
          offset: Number(m.offset),
          key: m.key === null ? null : m.key.toString(),
          value: m.value === null ? null : m.value.toString(),
          ...invalidUtf8Of(m.value),
          headers: Object.fromEntries(
            Object.entries(m.headers ?? {}).map(([k, v]) => [k, v === undefined ? "" : Array.isArray(v) ? v.map(String).join(",") : v.toString()]),
          ),
        }));
        await handlers.onBatch(
          {
            topic: batch.topic,
            partition: batch.partition,
            messages,
            highWatermark: Number(batch.highWatermark),
            // lastOffset() counts the markers and aborted records kafkajs filtered out of `messages`.
            nextOffset: Number(batch.lastOffset()) + 1,
          },
          heartbeat,
        );
        resolveOffset(batch.lastOffset());
      },
    });
  }

  async readAll(
    topic: string,
    partitions?: readonly number[],
    opts: { timeoutMs?: number; readUncommitted?: boolean; from?: number } = {},
  ): Promise<InMessage[]> {
    const timeoutMs = opts.timeoutMs ?? 60_000;
    const { ends, lows } = opts.readUncommitted
      ? await this.highWatermarks(topic).then((hw) => ({
          ends: new Map(hw.map((o) => [o.partition, Number(o.high)])),
          lows: new Map(hw.map((o) => [o.partition, Number(o.low)])),
        }))
      : await this.stableEnds(topic, partitions, Date.now() + timeoutMs);
    const from = opts.from ?? 0;
    const want = new Set((partitions ?? [...ends.keys()]).filter((p) => (ends.get(p) ?? 0) > Math.max(lows.get(p) ?? 0, from)));
    if (want.size === 0) return [];
    const pending = new Set(want);
    const out: InMessage[] = [];
    const consumer = this.kafka.consumer({
      groupId: `lockstep-reader-${randomUUID()}`,
      readUncommitted: opts.readUncommitted ?? false,
      maxWaitTimeInMs: 100,
      sessionTimeout: 10_000,
      heartbeatInterval: 1000,
    });
    let done!: () => void;
    let fail!: (e: unknown) => void;
    const finished = new Promise<void>((resolve, reject) => ((done = resolve), (fail = reject)));
    const reached = (partition: number, lastOffset: number) => {
      if (pending.has(partition) && lastOffset + 1 >= ends.get(partition)!) {
        pending.delete(partition);
        if (pending.size === 0) done();
      }
    };
    // Control records (transaction markers) occupy offsets but are never delivered: the batch
    // events count them (kafkajs reports a batch of only markers or aborted records there too).
    consumer.on(consumer.events.END_BATCH_PROCESS, (e) => {
      const { partition, lastOffset } = e.payload as unknown as { partition: number; lastOffset: string };
      reached(partition, Number(lastOffset));
    });
    consumer.on(consumer.events.CRASH, (e) => {
      const { error, restart } = e.payload as { error: unknown; restart: boolean };
      if (!restart) fail(error);
    });
    const timer = setTimeout(
      () => fail(new Error(`reading topic ${topic} to its end offsets timed out after ${timeoutMs} ms (partitions not reached: ${[...pending].join(", ")})`)),
      timeoutMs,
    );
    // The timeout may fire while connecting: `finished` is awaited (raced) from the start.
    finished.catch(() => {});
    const setup = async () => {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachBatch: async ({ batch }) => {
          if (!want.has(batch.partition)) return;
          const end = ends.get(batch.partition)!;
          for (const m of batch.messages) {
            if (Number(m.offset) >= end || Number(m.offset) < from) continue;
            out.push({
              topic,
              partition: batch.partition,
              offset: Number(m.offset),
              key: m.key === null ? null : m.key.toString(),
              value: m.value === null ? null : m.value.toString(),
              ...invalidUtf8Of(m.value),
              headers: Object.fromEntries(Object.entries(m.headers ?? {}).map(([k, v]) => [k, v === undefined ? "" : v.toString()])),
            });
          }
        },
      });
      // A tail read starts at `from` (kafkajs applies a seek when the partition is assigned; records
      // fetched before it are dropped above).
      if (from > 0) for (const p of want) consumer.seek({ topic, partition: p, offset: String(from) });
    };
    try {
      const started = setup();
      started.catch(() => {}); // if the timeout wins the race, a late failure here is moot
      await Promise.race([started, finished]);
      await finished;
    } finally {
      clearTimeout(timer);
      await consumer.disconnect().catch(() => {});
    }
    // A partition may be delivered again after a rebalance of the reader: keep each offset once.
    out.sort((a, b) => a.partition - b.partition || a.offset - b.offset);
    return out.filter((m, i) => i === 0 || m.partition !== out[i - 1]!.partition || m.offset !== out[i - 1]!.offset);
  }

  /** Closes every producer and consumer still open, then the admin clients. */
  async close(): Promise<void> {
    for (const close of [...this.live]) await close();
    this.live.clear();
    await this.adminClient?.disconnect();
    await this.hwAdminClient?.disconnect();
  }
}
