/**
 * The @platformatic/kafka (1.x, pure JavaScript) implementation of {@link KafkaClient}; chosen with
 * `--kafka-client platformatic` (docs/kafka-runner.md, "A second client").
 *
 * @platformatic/kafka facts this relies on (1.35; each checked against the source):
 * - its `MessagesStream` pauses and resumes only as a whole, cannot seek one partition, and its
 *   read_committed filter misses aborted records (see `decodePartition`), so group consumers here
 *   run their own fetch loop on `Consumer.fetch`, after `joinGroup` with our partition assigner;
 *   the library heartbeats and rejoins by itself and reports every assignment as `group:join`;
 * - `Consumer.fetch` keeps transaction markers (control batches) in the response, so the offset
 *   past a fetch is its last batch's last offset + 1;
 * - `InitProducerId` is sent with producer id 0 / epoch 0 unless told otherwise, which the broker
 *   refuses (PRODUCER_FENCED) for a transactional id that already has a producer: a task could
 *   never take over. The first transaction passes id -1 / epoch -1, the "new producer" values;
 * - the transaction timeout is the client's request `timeout`, hence 10 s like kafkajs' producer;
 * - `Transaction.addOffset(message)` commits `message.offset + 1` with the message's consumer
 *   metadata; we pass generation -1 and no member id (what kafkajs' `sendOffsets` sends), since
 *   fencing is by transactional id per task, not by group generation.
 *
 * @module
 */
import { isUtf8 } from "node:buffer";
import { randomUUID } from "node:crypto";
import { Admin, Consumer, FetchIsolationLevels, FindCoordinatorKeyTypes, ListOffsetTimestamps, Producer as PProducer } from "@platformatic/kafka";
import type { ClusterMetadata, ExtendedGroupProtocolSubscription, GroupPartitionsAssignments, Message, MessageToProduce } from "@platformatic/kafka";
import { recordBytes, RecordTooLargeError, retryingWhile, untilLeaders } from "./client.ts";
// The send limits are kafkajs-client's (a partition's messages go out as one record batch in both libraries).
import { checkSizes, chunk } from "./kafkajs-client.ts";
import type { FetchedBatch, GroupConsumer, GroupHandlers, InMessage, KafkaClient, OffsetCommit, OutMessage, Producer, TopicSpec } from "./client.ts";

/** Batch attribute bits (Kafka's record batch v2). */
const IS_TRANSACTIONAL = 1 << 4;
const IS_CONTROL = 1 << 5;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The library's error and every error it wraps (a ResponseError holds one per broker answer). */
const causes = (e: unknown): { apiId?: string; canRetry?: boolean; message?: string }[] => {
  const out: { apiId?: string; canRetry?: boolean; message?: string }[] = [];
  const walk = (x: unknown, depth: number) => {
    if (!x || typeof x !== "object" || depth > 4) return;
    out.push(x as { apiId?: string });
    for (const inner of (x as { errors?: unknown[] }).errors ?? []) walk(inner, depth + 1);
    walk((x as { cause?: unknown }).cause, depth + 1);
  };
  walk(e, 0);
  return out;
};

const hasApiError = (e: unknown, ...ids: string[]): boolean => causes(e).some((c) => c.apiId !== undefined && ids.includes(c.apiId));

/** Worth trying again: the library says so, or the transaction coordinator is still finishing the previous transaction. */
const isRetriable = (e: unknown): boolean =>
  causes(e).some((c) => c.apiId === "CONCURRENT_TRANSACTIONS" || (c.apiId !== undefined && c.canRetry === true)) ||
  /concurrent transactions/i.test((e as Error)?.message ?? "");

const retrying = <A>(f: () => Promise<A>, attempts?: number): Promise<A> => retryingWhile(isRetriable, f, attempts);

/** The broker's "too large" answers as the fatal error they are. */
const tooLarge = (e: unknown, c: readonly OutMessage[]): unknown => {
  if (!hasApiError(e, "MESSAGE_TOO_LARGE", "RECORD_LIST_TOO_LARGE")) return e;
  const biggest = c.reduce((a, m) => (recordBytes(m) > recordBytes(a) ? m : a), c[0]!);
  return new RecordTooLargeError(biggest.topic, biggest.partition, undefined, { cause: e });
};

/**
 * Notes where a send's records landed: per `topic/partition`, the offset after the last one (the
 * answer names each partition's base offset; one send is one batch per partition). What the
 * kafka-lmdb branch's `ProducedOffsets` asks of a client; returned already so the merge only types it.
 */
const noteProduced = (
  produced: Map<string, number>,
  sent: readonly OutMessage[],
  result: { offsets?: { topic: string; partition: number; offset: bigint }[] },
): void => {
  // Counted per run of one topic/partition: sends are mostly long runs, and a key text per record cost 2 % of the runner.
  const counts = new Map<string, number>();
  for (let i = 0; i < sent.length; ) {
    const { topic, partition } = sent[i]!;
    let j = i + 1;
    while (j < sent.length && sent[j]!.partition === partition && sent[j]!.topic === topic) j++;
    const where = `${topic}/${partition}`;
    counts.set(where, (counts.get(where) ?? 0) + (j - i));
    i = j;
  }
  for (const r of result.offsets ?? []) {
    const where = `${r.topic}/${r.partition}`;
    const n = counts.get(where);
    if (n === undefined || r.offset < 0n) continue;
    produced.set(where, Math.max(produced.get(where) ?? 0, Number(r.offset) + n));
  }
};

/**
 * What a send resolves to in client.ts: void on main, `ProducedOffsets` (this map) once the
 * kafka-lmdb branch is merged; the map is returned either way, so that merge needs no edit here.
 */
type Sent = Awaited<ReturnType<Producer["send"]>>;

const toRecord = (m: OutMessage): MessageToProduce => {
  // Fields set one by one rather than spread in: one object per record instead of four.
  const r: { -readonly [K in keyof MessageToProduce]: MessageToProduce[K] } = { topic: m.topic, partition: m.partition };
  if (m.key !== null) r.key = Buffer.from(m.key);
  // No value is a null value on the wire (a tombstone), as kafkajs writes it.
  if (m.value !== null) r.value = typeof m.value === "string" ? Buffer.from(m.value) : Buffer.from(m.value);
  if (m.headers) r.headers = new Map(Object.entries(m.headers).map(([k, v]) => [Buffer.from(k), Buffer.from(v)]));
  return r;
};

/** One fetched partition, as the runner wants it. */
interface Decoded {
  readonly messages: InMessage[];
  /** The offset after the last batch of the response (undefined when it held none). */
  readonly nextOffset: number | undefined;
  readonly highWatermark: number;
}

type FetchedPartition = {
  partitionIndex: number;
  highWatermark: bigint;
  abortedTransactions: { producerId: bigint; firstOffset: bigint }[];
  records?: {
    firstOffset: bigint;
    lastOffsetDelta: number;
    attributes: number;
    producerId: bigint;
    records: { offsetDelta: number; key: Buffer | null; value: Buffer | null; headers: [Buffer | null, Buffer | null][] }[];
  }[];
};

/**
 * The records of one fetched partition from `fetchOffset` on. With read_committed the records of
 * aborted transactions are dropped the way Kafka's own consumer does it: a producer's transactional
 * batches are aborted from the first offset the broker lists for it until that producer's abort
 * marker. (@platformatic/kafka's own filter keeps one range per producer id and drops nothing when
 * the marker is not in the same response, so it lets some aborted records through; what it drops
 * is always aborted, so filtering again here is exact.)
 */
export const decodePartition = (topic: string, part: FetchedPartition, fetchOffset: bigint, readCommitted: boolean): Decoded => {
  const messages: InMessage[] = [];
  const batches = part.records ?? [];
  const aborted = readCommitted
    ? [...part.abortedTransactions].sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : a.firstOffset > b.firstOffset ? 1 : 0))
    : [];
  const abortedProducers = new Set<bigint>();
  let next = 0;
  let nextOffset: bigint | undefined;
  for (const batch of batches) {
    const last = batch.firstOffset + BigInt(batch.lastOffsetDelta);
    nextOffset = last + 1n;
    while (next < aborted.length && aborted[next]!.firstOffset <= last) abortedProducers.add(aborted[next++]!.producerId);
    if (batch.attributes & IS_CONTROL) {
      // A control record's key is version (int16) then type (int16): 0 aborts, 1 commits.
      if (batch.records[0]?.key?.readInt16BE(2) === 0) abortedProducers.delete(batch.producerId);
      continue;
    }
    if (readCommitted && batch.attributes & IS_TRANSACTIONAL && abortedProducers.has(batch.producerId)) continue;
    // Offsets as numbers from here (they stay below 2^53): a BigInt per record was a measurable cost.
    const first = Number(batch.firstOffset);
    const from = Number(fetchOffset);
    for (const r of batch.records) {
      const offset = first + r.offsetDelta;
      if (offset < from) continue;
      const headers: Record<string, string> = {};
      for (const [k, v] of r.headers) headers[k === null ? "" : k.toString()] = v === null ? "" : v.toString();
      const m: { -readonly [K in keyof InMessage]: InMessage[K] } = {
        topic,
        partition: part.partitionIndex,
        offset,
        key: r.key === null ? null : r.key.toString(),
        value: r.value === null ? null : r.value.toString(),
        headers,
      };
      if (r.value !== null && !isUtf8(r.value)) m.invalidUtf8 = r.value;
      messages.push(m);
    }
  }
  return {
    messages,
    nextOffset: nextOffset === undefined ? undefined : Number(nextOffset > fetchOffset ? nextOffset : fetchOffset),
    highWatermark: Number(part.highWatermark),
  };
};

/**
 * Partition p of every subscribed topic goes to the same member (as kafkajs-client's
 * `partitionAligned`), so a task that reads several co-partitioned topics has them all in one process.
 */
const partitionAligned = (
  _current: string,
  members: Map<string, ExtendedGroupProtocolSubscription>,
  topics: Set<string>,
  metadata: ClusterMetadata,
): GroupPartitionsAssignments[] => {
  const sorted = [...members.keys()].sort();
  const out = new Map(sorted.map((memberId) => [memberId, new Map<string, { topic: string; partitions: number[] }>()]));
  for (const topic of topics) {
    const count = metadata.topics.get(topic)?.partitionsCount ?? 0;
    for (let p = 0; p < count; p++) {
      const a = out.get(sorted[p % sorted.length]!)!;
      let t = a.get(topic);
      if (!t) a.set(topic, (t = { topic, partitions: [] }));
      t.partitions.push(p);
    }
  }
  return sorted.map((memberId) => ({ memberId, assignments: out.get(memberId)! }));
};

class PlatformaticProducer implements Producer {
  constructor(
    private readonly p: PProducer,
    private readonly transactional: boolean,
    private readonly coordinator: (groupId: string) => Promise<number>,
    private readonly onClose: () => void,
  ) {}

  /** Resolves to where the records landed (see `noteProduced`). */
  async send(messages: readonly OutMessage[]): Promise<Sent> {
    checkSizes(messages);
    const produced = new Map<string, number>();
    for (const c of chunk(messages))
      noteProduced(produced, c, await this.p.send({ messages: c.map(toRecord) }).catch((e: unknown) => Promise.reject(tooLarge(e, c))));
    return produced as unknown as Sent;
  }

  /** Resolves to where the records landed (see `noteProduced`). */
  async sendInTransaction(messages: readonly OutMessage[], groupId: string, offsets: readonly OffsetCommit[]): Promise<Sent> {
    if (!this.transactional) throw new Error("sendInTransaction needs a producer made with a transactional id");
    checkSizes(messages);
    // Nothing to write or commit: no transaction (the broker refuses to end one nothing was added
    // to with INVALID_TXN_STATE; kafkajs likewise sends no EndTxn then).
    const produced = new Map<string, number>();
    if (messages.length === 0 && offsets.length === 0) return produced as unknown as Sent;
    const tx = await retrying(() => this.p.beginTransaction());
    try {
      for (const c of chunk(messages))
        noteProduced(produced, c, await tx.send({ messages: c.map(toRecord) }).catch((e: unknown) => Promise.reject(tooLarge(e, c))));
      if (offsets.length > 0) {
        // AddOffsetsToTxn only reads the group id of the consumer it is given.
        await retrying(() => tx.addConsumer({ groupId } as unknown as Consumer));
        const coordinatorId = await this.coordinator(groupId);
        // One TxnOffsetCommit per partition, one at a time (the library deduplicates concurrent ones).
        for (const o of offsets) {
          const at = {
            topic: o.topic,
            partition: o.partition,
            offset: BigInt(o.offset) - 1n,
            metadata: { consumer: { groupId, generationId: -1, memberId: "", coordinatorId } },
          } as unknown as Message;
          await retrying(() => tx.addOffset(at));
        }
      }
      await tx.commit();
      return produced as unknown as Sent;
    } catch (e) {
      // An abort that fails leaves the library's transaction open: cancel forgets it locally.
      await tx
        .abort()
        .catch(() => tx.cancel())
        .catch(() => {});
      throw e;
    }
  }

  close(): Promise<void> {
    this.onClose();
    return this.p.close();
  }
}

/** Where a group consumer stands on one partition. */
interface Position {
  /** Next offset to fetch; undefined: resolve from the group's committed offset first. */
  offset: bigint | undefined;
  /** Bumped by every seek, so a fetch made before it is not applied after it. */
  epoch: number;
  paused: boolean;
}

const key = (topic: string, partition: number) => `${partition}\u0000${topic}`;

/** A group member on `joinGroup`, with its own fetch loop (per-partition pause, resume and seek). */
class PlatformaticGroupConsumer implements GroupConsumer {
  private positions = new Map<string, Position>();
  private assigned: { topic: string; partition: number }[] = [];
  private generation = 0;
  private running = true;
  private wake: (() => void) | undefined;
  private loop: Promise<void> = Promise.resolve();

  constructor(
    private readonly consumer: Consumer,
    private readonly topics: readonly string[],
    private readonly handlers: GroupHandlers,
    private readonly readCommitted: boolean,
    private readonly onStop: () => void,
  ) {}

  async start(): Promise<void> {
    this.consumer.on("consumer:group:join", (e) => {
      this.generation++;
      const assignment: Record<string, number[]> = {};
      this.assigned = [];
      for (const a of e.assignments ?? []) {
        assignment[a.topic] = [...a.partitions];
        for (const partition of a.partitions) this.assigned.push({ topic: a.topic, partition });
      }
      // As kafkajs after a rebalance: every partition resumes from its committed offset.
      const old = this.positions;
      this.positions = new Map();
      for (const { topic, partition } of this.assigned) {
        const was = old.get(key(topic, partition));
        this.positions.set(key(topic, partition), { offset: undefined, epoch: (was?.epoch ?? 0) + 1, paused: was?.paused ?? false });
      }
      this.poke();
      void Promise.resolve(this.handlers.onAssign(assignment)).catch(() => {});
    });
    // A rejoin that failed for good (after the library's retries) is emitted as "error": without a
    // listener Node would throw it; the member is out of the group, so the consumer has crashed.
    this.consumer.on("error", (e: unknown) => {
      if (!this.running) return;
      this.running = false;
      this.poke();
      this.handlers.onCrash?.(e);
    });
    this.consumer.topics.trackAll(...this.topics);
    await this.consumer.joinGroup({
      sessionTimeout: 10_000,
      rebalanceTimeout: 60_000,
      heartbeatInterval: 1000,
      protocols: [{ name: "LockstepPartitionAligned", version: 1 }],
      partitionAssigner: partitionAligned,
    });
    this.loop = this.run();
  }

  private poke() {
    this.wake?.();
  }

  private idle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.wake = done;
    });
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      try {
        const fetched = await this.fetchOnce();
        failures = 0;
        if (!fetched) await this.idle(100);
      } catch (e) {
        if (!this.running) return;
        if (++failures > 20) {
          this.running = false;
          this.handlers.onCrash?.(e);
          return;
        }
        this.consumer.clearMetadata();
        // A position below the log start (retention deleted records): resume every partition from
        // its committed offset, raised to the log start (resolvePositions), as after a rebalance.
        if (hasApiError(e, "OFFSET_OUT_OF_RANGE")) {
          for (const pos of this.positions.values()) {
            pos.offset = undefined;
            pos.epoch++;
          }
        }
        await this.idle(Math.min(100 * failures, 2000));
      }
    }
  }

  /** One fetch from every leader of an unpaused assigned partition; false when there was nothing to fetch. */
  private async fetchOnce(): Promise<boolean> {
    const generation = this.generation;
    const wanted = this.assigned.filter(({ topic, partition }) => !this.positions.get(key(topic, partition))?.paused);
    if (wanted.length === 0) return false;
    await this.resolvePositions(wanted);
    if (generation !== this.generation || !this.running) return true;
    const metadata = await this.consumer.metadata({ topics: [...this.topics] });
    const byLeader = new Map<number, Map<string, { partition: number; fetchOffset: bigint; epoch: number }[]>>();
    const names = new Map<string, string>();
    for (const { topic, partition } of wanted) {
      const pos = this.positions.get(key(topic, partition));
      if (!pos || pos.offset === undefined || pos.paused) continue;
      const t = metadata.topics.get(topic);
      if (!t) continue;
      names.set(t.id, topic);
      const leader = t.partitions[partition]!.leader;
      let topics = byLeader.get(leader);
      if (!topics) byLeader.set(leader, (topics = new Map()));
      let parts = topics.get(t.id);
      if (!parts) topics.set(t.id, (parts = []));
      parts.push({ partition, fetchOffset: pos.offset, epoch: pos.epoch });
    }
    for (const [node, topics] of byLeader) {
      const response = await this.consumer.fetch({
        node,
        isolationLevel: this.readCommitted ? FetchIsolationLevels.READ_COMMITTED : FetchIsolationLevels.READ_UNCOMMITTED,
        maxWaitTime: 100,
        minBytes: 1,
        maxBytes: 10 * 1024 * 1024,
        topics: [...topics].map(([topicId, parts]) => ({
          topicId,
          partitions: parts.map((p) => ({
            partition: p.partition,
            fetchOffset: p.fetchOffset,
            partitionMaxBytes: 1024 * 1024,
            currentLeaderEpoch: -1,
            lastFetchedEpoch: -1,
          })),
        })),
      });
      for (const t of response.responses) {
        const topic = names.get(t.topicId);
        if (topic === undefined) continue;
        const requested = topics.get(t.topicId)!;
        for (const part of t.partitions) {
          const req = requested.find((r) => r.partition === part.partitionIndex);
          if (!req) continue;
          await this.deliver(generation, topic, req, decodePartition(topic, part as FetchedPartition, req.fetchOffset, this.readCommitted));
        }
      }
    }
    return true;
  }

  /** Hands one partition's records over, unless the partition was sought, paused or reassigned since the fetch. */
  private async deliver(generation: number, topic: string, req: { partition: number; fetchOffset: bigint; epoch: number }, d: Decoded): Promise<void> {
    const current = () => {
      const pos = this.positions.get(key(topic, req.partition));
      return this.running && generation === this.generation && pos !== undefined && pos.epoch === req.epoch && !pos.paused && pos.offset === req.fetchOffset
        ? pos
        : undefined;
    };
    if (d.nextOffset === undefined || !current()) return;
    const next = BigInt(d.nextOffset);
    if (d.messages.length === 0) {
      const pos = current();
      if (pos && next > req.fetchOffset) {
        pos.offset = next;
        this.handlers.onPassed?.({ topic, partition: req.partition, nextOffset: d.nextOffset, highWatermark: d.highWatermark });
      }
      return;
    }
    const batch: FetchedBatch = { topic, partition: req.partition, messages: d.messages, highWatermark: d.highWatermark, nextOffset: d.nextOffset };
    try {
      // The library heartbeats on its own timer: nothing to do between records.
      await this.handlers.onBatch(batch, async () => {});
    } catch {
      const pos = current();
      if (pos) pos.offset = undefined; // re-read from the committed offset
      return;
    }
    const pos = current();
    if (pos) pos.offset = next;
  }

  /** Positions of partitions that have none yet: the committed offset, else the log start. */
  private async resolvePositions(parts: readonly { topic: string; partition: number }[]): Promise<void> {
    const missing = parts.filter(({ topic, partition }) => this.positions.get(key(topic, partition))?.offset === undefined);
    if (missing.length === 0) return;
    const topics = [...new Set(missing.map((m) => m.topic))];
    const committed = await this.consumer.listCommittedOffsets({
      topics: topics.map((topic) => ({ topic, partitions: missing.filter((m) => m.topic === topic).map((m) => m.partition) })),
    });
    const earliest = await this.consumer.listOffsets({ topics, timestamp: ListOffsetTimestamps.EARLIEST });
    for (const { topic, partition } of missing) {
      const pos = this.positions.get(key(topic, partition));
      if (!pos) continue;
      const c = committed.get(topic)?.[partition];
      const low = earliest.get(topic)?.[partition] ?? 0n;
      pos.offset = c !== undefined && c >= 0n ? (c > low ? c : low) : low;
    }
  }

  commit(offsets: readonly OffsetCommit[]): Promise<void> {
    return this.consumer.commit({ offsets: offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: BigInt(o.offset), leaderEpoch: -1 })) });
  }

  seek(topic: string, partition: number, offset: number): void {
    const pos = this.positions.get(key(topic, partition));
    if (!pos) return;
    pos.offset = BigInt(offset);
    pos.epoch++;
    this.poke();
  }

  pause(topic: string, partitions: readonly number[]): void {
    for (const p of partitions) {
      const pos = this.positions.get(key(topic, p));
      if (pos) pos.paused = true;
    }
  }

  resume(topic: string, partitions: readonly number[]): void {
    for (const p of partitions) {
      const pos = this.positions.get(key(topic, p));
      if (pos) pos.paused = false;
    }
    this.poke();
  }

  async stop(): Promise<void> {
    if (!this.running) {
      await this.consumer.close().catch(() => {});
      return;
    }
    this.running = false;
    this.onStop();
    this.poke();
    // Called from inside a handler the loop cannot finish first: wait for it a bounded time. Closing leaves the group.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.loop, new Promise<void>((r) => (timer = setTimeout(r, 5000)))]);
    clearTimeout(timer);
    await this.consumer.close().catch(() => {});
  }
}

/** A {@link KafkaClient} on @platformatic/kafka 1.x. */
export class PlatformaticClient implements KafkaClient {
  private readonly base: { clientId: string; bootstrapBrokers: string[]; retries: number; retryDelay: number; timeout: number };
  private adminClient: Admin | undefined;
  private offsetsClient: Consumer | undefined;
  private readonly coordinators = new Map<string, number>();
  /** Producers and group consumers not yet closed: {@link close} closes them, so a failed run never hangs on one. */
  private readonly live = new Set<() => Promise<void>>();

  constructor(
    readonly brokers: readonly string[],
    clientId = "lockstep",
  ) {
    // timeout is also the transaction timeout the library asks for (see the module comment).
    this.base = { clientId, bootstrapBrokers: [...brokers], retries: 8, retryDelay: 100, timeout: 10_000 };
  }

  private admin(): Admin {
    return (this.adminClient ??= new Admin(this.base));
  }

  /** A consumer used only for ListOffsets (it never joins its group). */
  private offsets(): Consumer {
    return (this.offsetsClient ??= new Consumer({ ...this.base, groupId: `lockstep-offsets-${randomUUID()}` }));
  }

  private async coordinator(groupId: string): Promise<number> {
    const known = this.coordinators.get(groupId);
    if (known !== undefined) return known;
    const [found] = await retrying(() => this.admin().findCoordinator({ keyType: FindCoordinatorKeyTypes.GROUP, keys: [groupId] }));
    if (!found) throw new Error(`no coordinator for group ${groupId}`);
    this.coordinators.set(groupId, found.nodeId);
    return found.nodeId;
  }

  private async listOffsets(topic: string, isolationLevel: number, timestamp: bigint): Promise<bigint[]> {
    const read = async () => (await this.offsets().listOffsets({ topics: [topic], isolationLevel, timestamp })).get(topic) ?? [];
    try {
      return await retrying(read);
    } catch {
      // Stale metadata (a topic deleted and made again): forget it and ask once more.
      this.offsets().clearMetadata();
      return retrying(read);
    }
  }

  /** End offsets up to which every transaction is decided (as kafkajs-client's `stableEnds`). */
  private async stableEnds(topic: string, partitions: readonly number[] | undefined, deadline: number): Promise<number[]> {
    const ends = (await this.listOffsets(topic, FetchIsolationLevels.READ_UNCOMMITTED, ListOffsetTimestamps.LATEST)).map(Number);
    const want = partitions ?? ends.map((_, p) => p);
    for (let attempt = 0; ; attempt++) {
      const lso = (await this.listOffsets(topic, FetchIsolationLevels.READ_COMMITTED, ListOffsetTimestamps.LATEST)).map(Number);
      const open = want.filter((p) => (lso[p] ?? 0) < (ends[p] ?? 0));
      if (open.length === 0) return ends;
      if (Date.now() > deadline) {
        throw new Error(
          `reading topic ${topic}: partitions ${open.join(", ")} still hold undecided transactions (last stable offset below the high watermark ${open.map((p) => `${lso[p]} < ${ends[p]}`).join(", ")})`,
        );
      }
      await sleep(Math.min(20 * (attempt + 1), 200));
    }
  }

  async createTopics(specs: readonly TopicSpec[]): Promise<void> {
    const admin = this.admin();
    const existing = new Set(await retrying(() => admin.listTopics()));
    const missing = specs.filter((s) => !existing.has(s.topic));
    for (const s of missing) {
      await admin
        .createTopics({
          topics: [s.topic],
          partitions: s.partitions,
          replicas: 1,
          configs: s.compacted ? [{ name: "cleanup.policy", value: "compact" }] : [],
        })
        .catch((e: unknown) => {
          if (!hasApiError(e, "TOPIC_ALREADY_EXISTS")) throw e;
        });
    }
    if (missing.length === 0) return;
    const names = missing.map((s) => s.topic);
    await untilLeaders(names, async () => {
      const md = await admin.metadata({ topics: names, forceUpdate: true });
      return names.every((n) => (md.topics.get(n)?.partitionsCount ?? 0) > 0 && md.topics.get(n)!.partitions.every((p) => p.leader >= 0));
    });
  }

  async deleteTopics(topics: readonly string[]): Promise<void> {
    if (topics.length === 0) return;
    await this.admin()
      .deleteTopics({ topics: [...topics] })
      .catch(() => {});
    this.admin().clearMetadata();
    this.offsetsClient?.clearMetadata();
  }

  async endOffsets(topic: string): Promise<number[]> {
    return (await this.listOffsets(topic, FetchIsolationLevels.READ_UNCOMMITTED, ListOffsetTimestamps.LATEST)).map(Number);
  }

  async committedOffsets(groupId: string, topic: string): Promise<number[]> {
    const count = (await this.endOffsets(topic)).length;
    const [group] = await retrying(() =>
      this.admin().listConsumerGroupOffsets({ groups: [{ groupId, topics: [{ name: topic, partitionIndexes: [...Array(count).keys()] }] }] }),
    );
    const out: number[] = Array(count).fill(-1);
    for (const t of group?.topics ?? []) if (t.name === topic) for (const p of t.partitions) out[p.partitionIndex] = Number(p.committedOffset);
    return out;
  }

  async producer(opts: { transactionalId?: string } = {}): Promise<Producer> {
    const p = new PProducer({ ...this.base, idempotent: true, ...(opts.transactionalId ? { transactionalId: opts.transactionalId } : {}) });
    const close = () => p.close().catch(() => {});
    this.live.add(close);
    try {
      if (opts.transactionalId) {
        // InitProducerId now (fences older producers with this id and aborts their open
        // transaction), so the caller reads state and offsets only after the previous owner can no
        // longer commit. -1 / -1: "a new producer" (the library's default 0 / 0 is refused once the
        // id has had a producer). The empty transaction is only forgotten locally.
        const tx = await retrying(() => p.beginTransaction({ producerId: -1n, producerEpoch: -1 }));
        await tx.cancel();
      } else await retrying(() => p.initIdempotentProducer({}));
    } catch (e) {
      this.live.delete(close);
      await close();
      throw e;
    }
    return new PlatformaticProducer(
      p,
      opts.transactionalId !== undefined,
      (g) => this.coordinator(g),
      () => this.live.delete(close),
    );
  }

  async groupConsumer(groupId: string, topics: readonly string[], handlers: GroupHandlers, opts: { readCommitted: boolean }): Promise<GroupConsumer> {
    const consumer = new Consumer({ ...this.base, groupId, autocommit: false });
    let member: PlatformaticGroupConsumer | undefined;
    const stop = async () => {
      this.live.delete(stop);
      if (member) await member.stop();
      else await consumer.close().catch(() => {});
    };
    this.live.add(stop);
    member = new PlatformaticGroupConsumer(consumer, topics, handlers, opts.readCommitted, () => this.live.delete(stop));
    try {
      await member.start();
    } catch (e) {
      await stop();
      throw e;
    }
    return member;
  }

  /** `from` (the kafka-lmdb branch's tail read): only the records at this offset and after, in every partition read. */
  async readAll(
    topic: string,
    partitions?: readonly number[],
    opts: { timeoutMs?: number; readUncommitted?: boolean; from?: number } = {},
  ): Promise<InMessage[]> {
    const timeoutMs = opts.timeoutMs ?? 60_000;
    const started = performance.now();
    const deadline = Date.now() + timeoutMs;
    const ends = opts.readUncommitted
      ? (await this.listOffsets(topic, FetchIsolationLevels.READ_UNCOMMITTED, ListOffsetTimestamps.LATEST)).map(Number)
      : await this.stableEnds(topic, partitions, deadline);
    const lows = (await this.listOffsets(topic, FetchIsolationLevels.READ_UNCOMMITTED, ListOffsetTimestamps.EARLIEST)).map(Number);
    const positions = new Map<number, bigint>();
    for (const p of partitions ?? ends.map((_, i) => i)) {
      const start = Math.max(lows[p] ?? 0, opts.from ?? 0);
      if ((ends[p] ?? 0) > start) positions.set(p, BigInt(start));
    }
    const out: InMessage[] = [];
    if (positions.size === 0) return out;
    const reader = this.offsets();
    const readCommitted = !opts.readUncommitted;
    // Checked before every fetch and before returning: a read that took longer fails, however near done.
    const checkTime = () => {
      if (performance.now() - started >= timeoutMs) {
        throw new Error(
          `reading topic ${topic} to its end offsets timed out after ${timeoutMs} ms (partitions not reached: ${positions.size > 0 ? [...positions.keys()].join(", ") : "none, but too late"})`,
        );
      }
    };
    while (positions.size > 0) {
      checkTime();
      const metadata = await retrying(() => reader.metadata({ topics: [topic] }));
      const t = metadata.topics.get(topic);
      if (!t) throw new Error(`topic ${topic} does not exist`);
      const byLeader = new Map<number, number[]>();
      for (const p of positions.keys()) {
        const leader = t.partitions[p]!.leader;
        byLeader.set(leader, [...(byLeader.get(leader) ?? []), p]);
      }
      for (const [node, parts] of byLeader) {
        const response = await retrying(() =>
          reader.fetch({
            node,
            isolationLevel: readCommitted ? FetchIsolationLevels.READ_COMMITTED : FetchIsolationLevels.READ_UNCOMMITTED,
            maxWaitTime: 100,
            minBytes: 1,
            maxBytes: 10 * 1024 * 1024,
            topics: [
              {
                topicId: t.id,
                partitions: parts.map((partition) => ({
                  partition,
                  fetchOffset: positions.get(partition)!,
                  partitionMaxBytes: 1024 * 1024,
                  currentLeaderEpoch: -1,
                  lastFetchedEpoch: -1,
                })),
              },
            ],
          }),
        );
        for (const r of response.responses) {
          for (const part of r.partitions) {
            const from = positions.get(part.partitionIndex);
            if (from === undefined) continue;
            const d = decodePartition(topic, part as FetchedPartition, from, readCommitted);
            const end = ends[part.partitionIndex]!;
            for (const m of d.messages) if (m.offset < end) out.push(m);
            if (d.nextOffset === undefined) continue;
            if (d.nextOffset >= end) positions.delete(part.partitionIndex);
            else positions.set(part.partitionIndex, BigInt(d.nextOffset));
          }
        }
      }
    }
    checkTime();
    out.sort((a, b) => a.partition - b.partition || a.offset - b.offset);
    return out;
  }

  /** Closes every producer and consumer still open, then the admin clients. */
  async close(): Promise<void> {
    for (const close of [...this.live]) await close();
    this.live.clear();
    await this.offsetsClient?.close().catch(() => {});
    await this.adminClient?.close().catch(() => {});
    this.offsetsClient = undefined;
    this.adminClient = undefined;
  }
}
