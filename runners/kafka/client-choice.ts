/**
 * Which Kafka client the runner uses: kafkajs (the default) or @platformatic/kafka
 * (`--kafka-client`, the `client` option, or LOCKSTEP_KAFKA_CLIENT when neither is given).
 *
 * @module
 */
import type { KafkaClient } from "./client.ts";
import { KafkajsClient } from "./kafkajs-client.ts";
import { PlatformaticClient } from "./platformatic-client.ts";

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

/** A new client of that kind (the default one when `kind` is undefined). */
export const makeKafkaClient = (kind: KafkaClientKind | undefined, brokers: readonly string[], clientId?: string): KafkaClient =>
  (kind ?? defaultKafkaClient()) === "platformatic" ? new PlatformaticClient(brokers, clientId) : new KafkajsClient(brokers, clientId);

/** The client a run was given, or a new one of the kind it named; `owned` when the run made it (and closes it). */
export const clientFor = (given: KafkaClient | KafkaClientKind | undefined, brokers: readonly string[]): { client: KafkaClient; owned: boolean } =>
  typeof given === "object" ? { client: given, owned: false } : { client: makeKafkaClient(given, brokers), owned: true };
