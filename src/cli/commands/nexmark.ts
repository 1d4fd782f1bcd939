/**
 * `lockstep nexmark generate --events N [--generators G] [--first-event K] [--threads T] [-o FILE]`: Nexmark events,
 * bit for bit those of Apache Beam's Java generator, as JSON lines (stdout by default).
 *
 * @module
 */
import type { RegisterCommand } from "./command.ts";
import { wholeNumber } from "../options.ts";
import { availableParallelism } from "node:os";
import { UsageError } from "../usage-error.ts";

/** Adds `nexmark generate` to the command tree. */
export const registerNexmark: RegisterCommand = (program, io) => {
  const nexmark = program.command("nexmark").description("the Nexmark benchmark: generate Beam's event stream");
  nexmark
    .command("generate")
    .description("write Nexmark events (person, auction, bid) as JSON lines, identical to Apache Beam's generator")
    .requiredOption("--events <n>", "how many events", wholeNumber("--events", 0, 1000000))
    .option(
      "--generators <g>",
      "Beam's numEventGenerators: event times are g periods apart (ids and payloads do not change)",
      wholeNumber("--generators", 1, 1),
      1,
    )
    .option("--first-event <k>", "start at event number k (to make one range of the stream)", wholeNumber("--first-event", 0, 0), 0)
    .option("--rate <r>", "events per second of event time", wholeNumber("--rate", 1, 10000), 10000)
    .option("-o, --output <path>", "write here instead of stdout (- is stdout)")
    .option(
      "--threads <n>",
      "worker threads drawing events alongside the main one (same bytes; 0: the main thread alone)",
      wholeNumber("--threads", 0, 1),
      defaultThreads(),
    )
    .option("--topic <name>", "produce the events to this Kafka topic instead (partition 0, as an unkeyed source reads them)")
    .option("--brokers <list>", "with --topic: bootstrap servers (default KAFKA_BROKERS)")
    .option("--partitions <n>", "with --topic: partitions when the topic is created", wholeNumber("--partitions", 1, 3), 1)
    .action(async (o) => {
      const { nexmarkConfig, writeNexmarkFile, writeNexmarkJsonl } = await import("../../nexmark/index.ts");
      const write = { workers: o.threads as number };
      const config = nexmarkConfig({ events: o.events, generators: o.generators, firstEvent: o.firstEvent, rate: o.rate });
      if (o.topic !== undefined) {
        if (o.output !== undefined) throw new UsageError("--topic and -o both say where the events go. Fix: give one of them");
        const brokers = (o.brokers ?? process.env.KAFKA_BROKERS ?? "").split(",").filter(Boolean);
        if (brokers.length === 0) throw new UsageError("--topic needs a running broker. Fix: add --brokers HOST:PORT (or set KAFKA_BROKERS)");
        const { KafkajsClient } = await import("../../../runners/kafka/kafkajs-client.ts");
        const { produceNexmark } = await import("../nexmark-topic.ts");
        const client = new KafkajsClient(brokers, "lockstep-nexmark");
        try {
          const started = performance.now();
          await produceNexmark(client, config, o.topic, o.partitions);
          io.err(`nexmark: ${config.events} events to topic ${o.topic} in ${((performance.now() - started) / 1000).toFixed(2)} s\n`);
        } finally {
          await client.close();
        }
        return;
      }
      if (o.output && o.output !== "-") {
        const { mkdir } = await import("node:fs/promises");
        const { dirname } = await import("node:path");
        await mkdir(dirname(o.output), { recursive: true });
        const started = performance.now();
        await writeNexmarkFile(config, o.output, write);
        const seconds = (performance.now() - started) / 1000;
        io.err(`nexmark: ${config.events} events to ${o.output} in ${seconds.toFixed(2)} s\n`);
      } else {
        try {
          await writeNexmarkJsonl(config, process.stdout, write);
        } catch (e) {
          // A reader that stops early (`| head`) is not a failure of the generator.
          if ((e as NodeJS.ErrnoException).code !== "EPIPE") throw e;
        }
      }
    });
};

/**
 * One worker per core beyond the first, at most 3: the main thread draws too and writes, and the
 * split adapts to how much CPU each thread gets (src/nexmark/parallel.ts), so a loaded machine loses
 * little by it (bench/RESULTS.md).
 */
function defaultThreads(): number {
  return Math.max(0, Math.min(3, availableParallelism() - 1));
}
