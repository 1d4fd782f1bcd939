/**
 * Which Kafka client the runner uses: kafkajs (the default) or @platformatic/kafka
 * (`--kafka-client`, the `client` option, or LOCKSTEP_KAFKA_CLIENT when neither is given).
 *
 * @module
 */
import type { GroupConsumer, GroupHandlers, InMessage, KafkaClient, Producer, TopicSpec } from "./client.ts";
import { KafkajsClient } from "./kafkajs-client.ts";
import { DefinitionError } from "../../src/core/errors.ts";

/** The clients lockstep ships. */
export const KAFKA_CLIENTS = ["kafkajs", "platformatic"] as const;
/** A client lockstep ships, by name. */
export type KafkaClientKind = (typeof KAFKA_CLIENTS)[number];

/** Is `s` the name of a client lockstep ships? */
export const isKafkaClientKind = (s: string): s is KafkaClientKind => (KAFKA_CLIENTS as readonly string[]).includes(s);

/**
 * The client used when none is chosen: LOCKSTEP_KAFKA_CLIENT when set (so a whole test run or
 * deployment can switch without touching call sites), else kafkajs.
 */
export const defaultKafkaClient = (): KafkaClientKind => {
  const env = process.env.LOCKSTEP_KAFKA_CLIENT;
  if (env === undefined || env === "") return "kafkajs";
  if (!isKafkaClientKind(env)) throw new Error(`LOCKSTEP_KAFKA_CLIENT=${env}: the Kafka client is one of ${KAFKA_CLIENTS.join(", ")}`);
  return env;
};

/** True when `e` says the package @platformatic/kafka is not installed. */
const isMissing = (e: unknown): boolean =>
  (e as { code?: string })?.code === "ERR_MODULE_NOT_FOUND" && String((e as Error).message).includes("@platformatic/kafka");

/**
 * The error of choosing the platformatic client without its package. It is an optional peer
 * dependency, not a dependency: every 1.x release with transactions depends on
 * `@platformatic/dynamic-buffer`, which declares Node ≥ 22.19, so installing lockstep on Node 20
 * would warn (EBADENGINE) for a client most users never pick. It runs on Node 20 (the Kafka suite
 * passes on it here); whoever picks it installs it.
 */
const missingPlatformatic = (cause: unknown): DefinitionError => {
  const e = new DefinitionError(
    "--kafka-client platformatic",
    "the package @platformatic/kafka is not installed (lockstep lists it as an optional peer dependency)",
    "run `npm install @platformatic/kafka@^1.35.0` in your app (on Node 20 npm warns that a dependency of it asks for Node 22; it runs on Node 20), or use --kafka-client kafkajs",
  );
  (e as { cause?: unknown }).cause = cause;
  return e;
};

/**
 * The @platformatic/kafka client, loaded on its first call: the library took ~0.6 s to import
 * on this machine (kafkajs 0.06–0.2 s), which a run on kafkajs should not pay.
 */
class LazyPlatformaticClient implements KafkaClient {
  private inner: Promise<KafkaClient> | undefined;

  constructor(
    private readonly brokers: readonly string[],
    private readonly clientId: string | undefined,
  ) {}

  private get(): Promise<KafkaClient> {
    return (this.inner ??= import("./platformatic-client.ts").then(
      (m) => new m.PlatformaticClient(this.brokers, this.clientId),
      (e: unknown) => {
        throw isMissing(e) ? missingPlatformatic(e) : e;
      },
    ));
  }

  createTopics(specs: readonly TopicSpec[]): Promise<void> {
    return this.get().then((c) => c.createTopics(specs));
  }
  deleteTopics(topics: readonly string[]): Promise<void> {
    return this.get().then((c) => c.deleteTopics(topics));
  }
  endOffsets(topic: string): Promise<number[]> {
    return this.get().then((c) => c.endOffsets(topic));
  }
  committedOffsets(groupId: string, topic: string): Promise<number[]> {
    return this.get().then((c) => c.committedOffsets(groupId, topic));
  }
  producer(opts?: { transactionalId?: string }): Promise<Producer> {
    return this.get().then((c) => c.producer(opts));
  }
  groupConsumer(groupId: string, topics: readonly string[], handlers: GroupHandlers, opts: { readCommitted: boolean }): Promise<GroupConsumer> {
    return this.get().then((c) => c.groupConsumer(groupId, topics, handlers, opts));
  }
  readAll(topic: string, partitions?: readonly number[], opts?: { timeoutMs?: number; readUncommitted?: boolean }): Promise<InMessage[]> {
    return this.get().then((c) => c.readAll(topic, partitions, opts));
  }
  async close(): Promise<void> {
    if (this.inner) await (await this.inner).close();
  }
}

/** A new client of that kind (the default one when `kind` is undefined). */
export const makeKafkaClient = (kind: KafkaClientKind | undefined, brokers: readonly string[], clientId?: string): KafkaClient =>
  (kind ?? defaultKafkaClient()) === "platformatic" ? new LazyPlatformaticClient(brokers, clientId) : new KafkajsClient(brokers, clientId);

/** The client a run was given, or a new one of the kind it named; `owned` when the run made it (and closes it). */
export const clientFor = (given: KafkaClient | KafkaClientKind | undefined, brokers: readonly string[]): { client: KafkaClient; owned: boolean } =>
  typeof given === "object" ? { client: given, owned: false } : { client: makeKafkaClient(given, brokers), owned: true };
