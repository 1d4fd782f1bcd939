/**
 * Vitest globalSetup: one Kafka broker for the whole test run.
 *
 * Uses the broker in KAFKA_BROKERS when that is set (e.g. `npx tsx scripts/kafka/start.ts` in
 * another terminal); otherwise starts a throwaway one (scripts/kafka/broker.ts), exposes it as
 * process.env.KAFKA_BROKERS (inherited by the test workers) and as `inject("kafkaBrokers")`,
 * and stops it after the run.
 */
import type { TestProject } from "vitest/node";
import { startBroker } from "../scripts/kafka/broker.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** Bootstrap servers of the test Kafka broker, e.g. "127.0.0.1:39092". */
    kafkaBrokers: string;
  }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const existing = process.env.KAFKA_BROKERS;
  if (existing) {
    project.provide("kafkaBrokers", existing);
    return undefined;
  }
  const broker = await startBroker();
  process.env.KAFKA_BROKERS = broker.brokers;
  project.provide("kafkaBrokers", broker.brokers);
  return async () => {
    delete process.env.KAFKA_BROKERS;
    await broker.stop();
  };
}
