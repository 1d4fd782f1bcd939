/**
 * `lockstep nexmark generate --topic T`: Nexmark events straight into a Kafka topic, one JSON event
 * per record, as a lockstep source topic expects them. The Nexmark example pipelines read an unkeyed
 * source, and the Kafka runner keeps an unkeyed source in one ordered substream (partition 0, no
 * record key: docs/kafka-runner.md), so that is where the events go.
 *
 * Each batch of events is drawn straight into one buffer by the file path's line emitter (no event
 * object, no string), and every record's value is a view of its line in it, without the newline.
 *
 * @module
 */
import type { KafkaClient, OutMessage } from "../../runners/kafka/client.ts";
import { EventFields, drawEvent, lineBytesBound } from "../nexmark/draw.ts";
import type { NexmarkConfig } from "../nexmark/index.ts";

/**
 * Bytes of event lines per send: below the ~1 MB a send may carry (the Kafka client cuts a send into
 * record batches the broker takes), and large, so that the per-send round trip is amortised.
 */
const BATCH_BYTES = 900 * 1024;

/** Produces the configuration's events to `topic` (created with `partitions` when missing); resolves with the count. */
export const produceNexmark = async (client: KafkaClient, config: NexmarkConfig, topic: string, partitions: number): Promise<number> => {
  await client.createTopics([{ topic, partitions }]);
  const producer = await client.producer();
  const fields = new EventFields();
  const room = lineBytesBound(config);
  const size = Math.max(BATCH_BYTES, room);
  try {
    for (let n = 0; n < config.events; ) {
      // A fresh buffer per send: the values are views of it.
      const buf = Buffer.allocUnsafe(size);
      const batch: OutMessage[] = [];
      let pos = 0;
      for (; n < config.events && pos + room <= size; n++) {
        const end = drawEvent(config, n, fields, buf, pos);
        batch.push({ topic, partition: 0, key: null, value: buf.subarray(pos, end - 1) });
        pos = end;
      }
      await producer.send(batch);
    }
  } finally {
    await producer.close();
  }
  return config.events;
};
