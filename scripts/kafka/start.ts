/**
 * Runs a local single-node Kafka broker until SIGINT/SIGTERM.
 *
 *   npx tsx scripts/kafka/start.ts [--port 9092] [--data-dir DIR] [--log-dir DIR]
 *
 * Prints `KAFKA_BROKERS=127.0.0.1:<port>` as the only stdout line once the broker is ready
 * (progress goes to stderr), then keeps running; stops the broker cleanly on SIGINT/SIGTERM.
 * Exits 1 if the broker fails to start or dies.
 */
import { parseArgs } from "node:util";
import { portOption, runUntilStopped } from "../jvm/service-cli.ts";
import { startBroker, type StartBrokerOptions } from "./broker.ts";

const { values } = parseArgs({
  options: {
    port: { type: "string" },
    "data-dir": { type: "string" },
    "log-dir": { type: "string" },
    help: { type: "boolean", short: "h" },
  },
});
if (values.help) {
  process.stderr.write("usage: npx tsx scripts/kafka/start.ts [--port N] [--data-dir DIR] [--log-dir DIR]\n");
  process.exit(0);
}

const opts: StartBrokerOptions = { port: portOption(values.port) };
if (values["data-dir"]) opts.dataDir = values["data-dir"];
if (values["log-dir"]) opts.logDir = values["log-dir"];

process.stderr.write("starting Kafka broker...\n");
await runUntilStopped(
  "Kafka broker",
  () => startBroker(opts),
  (broker) => `KAFKA_BROKERS=${broker.brokers}\n`,
);
