/**
 * The KafkaStreamRunner: lockstep definitions as Kafka stream processors
 * (kafkajs against a real broker), with repartition topics, changelog state
 * and exactly-once delivery.
 *
 * @module
 */
export { runKafka, finalViewOf } from "./bounded.ts";
export type { KafkaRunOptions } from "./bounded.ts";
export { KafkaStreamRunner } from "./runner.ts";
export type { KafkaStreamOptions } from "./runner.ts";
export type { Guarantee } from "./instance.ts";
export { KafkajsClient } from "./kafkajs-client.ts";
// The @platformatic/kafka client through its name (it loads on first use): makeKafkaClient("platformatic", brokers).
export { makeKafkaClient, KAFKA_CLIENTS } from "./client-choice.ts";
export type { KafkaClientKind } from "./client-choice.ts";
export type { KafkaClient } from "./client.ts";
export { layoutOf } from "./layout.ts";
export { partitionFor, murmur2 } from "./murmur2.ts";
export { changelogRecordsOf, seedFromCheckpoint } from "./checkpoint-seed.ts";
export { parseCheckpoint } from "../../src/engine/checkpoint/index.ts";
export type { Checkpoint } from "../../src/engine/checkpoint/index.ts";
