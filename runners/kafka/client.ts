/**
 * The Kafka client interface the runner is written against. kafkajs sits
 * behind it (`kafkajs-client.ts`, the default), or @platformatic/kafka
 * (`platformatic-client.ts`; `client-choice.ts` picks one), without touching
 * the runner or the engine.
 *
 * @module
 */

/**
 * Largest record (key, value and headers, UTF-8 bytes, plus overhead) the
 * runner writes: the broker's default `message.max.bytes` is 1 048 588 bytes
 * per record batch, and a larger record can never be written — retrying it
 * would stall its partition forever.
 */
export const MAX_RECORD_BYTES = 1_000_000;

/** A record's size on the wire, near enough: UTF-8 bytes of key, value and headers, plus record overhead. */
export const recordBytes = (m: OutMessage): number => {
  let n = 64 + (m.value === null ? 0 : Buffer.byteLength(m.value)) + (m.key === null ? 0 : Buffer.byteLength(m.key));
  for (const [k, v] of Object.entries(m.headers ?? {})) n += 8 + Buffer.byteLength(k) + Buffer.byteLength(v);
  return n;
};

/**
 * A record that Kafka will not take (over {@link MAX_RECORD_BYTES}, or refused
 * by the broker as too large). Fatal: the run fails with this message instead
 * of retrying a write that can never succeed.
 */
export class RecordTooLargeError extends Error {
  override readonly name = "RecordTooLargeError";
  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly bytes: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(
      `a record for topic ${topic} (partition ${partition}) is ${bytes === undefined ? "larger than the broker accepts" : `${bytes} bytes, over the ${MAX_RECORD_BYTES}-byte limit of one Kafka record`}: ` +
        `Kafka cannot store it, so the run stops instead of retrying forever (make the stage's output smaller, e.g. fewer rows per pane, or raise the topic's max.message.bytes and the broker's message.max.bytes)`,
      options,
    );
  }
}

/** A record read from a topic. Offsets are numbers (exact below 2^53). */
export interface InMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly key: string | null;
  readonly value: string | null;
  /** The value's bytes, set only when they are not valid UTF-8 (then `value` is a lossy rendering, never to be parsed). */
  readonly invalidUtf8?: Uint8Array;
  readonly headers: Readonly<Record<string, string>>;
}

/** A record to write, to an explicit partition (lockstep partitions with Kafka's murmur2). */
export interface OutMessage {
  readonly topic: string;
  readonly partition: number;
  readonly key: string | null;
  /** Text, or bytes (an input record that is not UTF-8 is produced as it was read). */
  readonly value: string | Uint8Array | null;
  readonly headers?: Readonly<Record<string, string>>;
}

/** A consumed position to commit: the next offset to read. */
export interface OffsetCommit {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

/** A topic to create. */
export interface TopicSpec {
  readonly topic: string;
  readonly partitions: number;
  /** Log compaction (changelogs, tables, sinks whose topic is the final view). */
  readonly compacted?: boolean;
}

/**
 * Where a send's records landed: per `topic/partition` written to, the offset after the last record
 * written there (a task's checkpoint file names how far its own changelog writes went).
 */
export type ProducedOffsets = ReadonlyMap<string, number>;

/** Writes records. */
export interface Producer {
  /** Sends without a transaction (at-least-once). */
  send(messages: readonly OutMessage[]): Promise<ProducedOffsets>;
  /**
   * Sends the messages and commits the consumer offsets in one transaction
   * (exactly-once); only for producers made with a transactional id.
   */
  sendInTransaction(messages: readonly OutMessage[], groupId: string, offsets: readonly OffsetCommit[]): Promise<ProducedOffsets>;
  close(): Promise<void>;
}

/** One fetched batch of one topic-partition, in offset order. */
export interface FetchedBatch {
  readonly topic: string;
  readonly partition: number;
  readonly messages: readonly InMessage[];
  /** The partition's high watermark (the offset after its newest record) when the batch was fetched, if known. */
  readonly highWatermark?: number;
  /**
   * The offset after the last record the fetch covered, if known: past the last message, and past
   * any transaction markers and aborted records after it, which are never delivered as messages.
   */
  readonly nextOffset?: number;
}

/** A fetch that held only records a consumer does not deliver (transaction markers, aborted records). */
export interface PassedRecords {
  readonly topic: string;
  readonly partition: number;
  /** The offset after the records passed over. */
  readonly nextOffset: number;
  /** The partition's high watermark when they were fetched. */
  readonly highWatermark: number;
}

/**
 * Runs `f` again while it fails with an error `isRetriable` accepts, up to `attempts` times with a
 * growing pause (50 ms more each time, at most 500 ms). Both clients need it: a broker answers
 * NOT_LEADER_FOR_PARTITION right after a topic is created, CONCURRENT_TRANSACTIONS right after a
 * commit, and neither library always retries those itself.
 */
export const retryingWhile = async <A>(isRetriable: (e: unknown) => boolean, f: () => Promise<A>, attempts = 30): Promise<A> => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await f();
    } catch (e) {
      if (!isRetriable(e) || attempt >= attempts) throw e;
      await new Promise<void>((r) => setTimeout(r, Math.min(50 * attempt, 500)));
    }
  }
};

/**
 * Waits until newly created topics can be used: polls `ready` (every partition of `names` has a
 * leader) every 100 ms; a failing poll is retried too; gives up after 10 s with the topics' names.
 * Both clients need it: a create returns before the controller has elected the leaders.
 */
export const untilLeaders = async (names: readonly string[], ready: () => Promise<boolean>): Promise<void> => {
  for (let attempt = 0; ; attempt++) {
    try {
      if (await ready()) return;
    } catch (e) {
      if (attempt >= 100) throw e;
    }
    if (attempt >= 100) throw new Error(`topics ${names.join(", ")} have no leaders after 10 s`);
    await new Promise<void>((r) => setTimeout(r, 100));
  }
};

/** Callbacks of a group consumer. */
export interface GroupHandlers {
  /** The partitions this member now owns, per topic (after every rebalance). */
  onAssign(assignment: Readonly<Record<string, readonly number[]>>): void | Promise<void>;
  /**
   * One batch of one topic-partition, in offset order. Resolve to commit
   * nothing here (the handler commits through its producer), or throw to
   * have the batch re-read from the last committed offset.
   */
  onBatch(batch: FetchedBatch, heartbeat: () => Promise<void>): Promise<void>;
  /**
   * The consumer moved past records it does not deliver, with no message to hand over (optional: a
   * reader that tracks how far it is behind the partition's end needs it; called in fetch order).
   */
  onPassed?(passed: PassedRecords): void;
  /** The consumer stopped for good (an error it will not recover from by itself). */
  onCrash?(error: unknown): void;
}

/** A running group consumer. */
export interface GroupConsumer {
  /** Commits offsets outside a transaction (at-least-once). */
  commit(offsets: readonly OffsetCommit[]): Promise<void>;
  /** Re-reads a partition from `offset` (after an aborted transaction). */
  seek(topic: string, partition: number, offset: number): void;
  /** Stops fetching these partitions until {@link resume} (backpressure, backoff after a failure). */
  pause(topic: string, partitions: readonly number[]): void;
  /** Fetches paused partitions again. */
  resume(topic: string, partitions: readonly number[]): void;
  /** Leaves the group and disconnects. */
  stop(): Promise<void>;
}

/** What the runner needs from Kafka. */
export interface KafkaClient {
  createTopics(specs: readonly TopicSpec[]): Promise<void>;
  deleteTopics(topics: readonly string[]): Promise<void>;
  /** The end offset (high watermark) of every partition, by partition. */
  endOffsets(topic: string): Promise<number[]>;
  /** The group's committed offset per partition (-1 when none). */
  committedOffsets(groupId: string, topic: string): Promise<number[]>;
  /**
   * A producer. With a transactional id it is ready for transactions when this
   * resolves: earlier producers with that id are fenced and their open
   * transaction is aborted, so a task takes over cleanly from a crashed or
   * replaced owner before it reads its state.
   */
  producer(opts?: { transactionalId?: string }): Promise<Producer>;
  /** Joins `groupId` on `topics`; partition p of every topic goes to the same member. */
  groupConsumer(groupId: string, topics: readonly string[], handlers: GroupHandlers, opts: { readCommitted: boolean }): Promise<GroupConsumer>;
  /**
   * Every committed record of the topic (optionally only some partitions), up
   * to the end offsets at the call; rejects after `timeoutMs` (default 60 s).
   * `readUncommitted` also returns records of aborted (and open) transactions:
   * for inspecting a topic, never for the runner's own reads. `from`: only
   * the records at this offset and after, in every partition read (a task
   * restoring the tail of its changelog past its checkpoint).
   */
  readAll(topic: string, partitions?: readonly number[], opts?: { timeoutMs?: number; readUncommitted?: boolean; from?: number }): Promise<InMessage[]>;
  close(): Promise<void>;
}
