/**
 * `lockstep nexmark generate --topic T`: Nexmark events straight into a Kafka topic, one JSON event
 * per record, as a lockstep source topic expects them. The Nexmark example pipelines read an unkeyed
 * source, and the Kafka runner keeps an unkeyed source in one ordered substream (partition 0, no
 * record key: docs/kafka-runner.md), so that is where the events go.
 *
 * @module
 */
import type { KafkaClient, OutMessage } from "../../runners/kafka/client.ts";
import type { NexmarkConfig } from "../nexmark/index.ts";
import { nexmarkEvent, nexmarkJsonLine } from "../nexmark/index.ts";

/** Events per send: far below the ~1 MB a send may carry (an auction line is ~500 bytes). */
const BATCH = 1000;

/** Produces the configuration's events to `topic` (created with `partitions` when missing); resolves with the count. */
export const produceNexmark = async (client: KafkaClient, config: NexmarkConfig, topic: string, partitions: number): Promise<number> => {
  await client.createTopics([{ topic, partitions }]);
  const producer = await client.producer();
  try {
    for (let start = 0; start < config.events; start += BATCH) {
      const batch: OutMessage[] = [];
      for (let n = start; n < Math.min(start + BATCH, config.events); n++)
        batch.push({ topic, partition: 0, key: null, value: nexmarkJsonLine(nexmarkEvent(config, n)) });
      await producer.send(batch);
    }
  } finally {
    await producer.close();
  }
  return config.events;
};
