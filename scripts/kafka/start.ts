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

const opts: StartBrokerOptions = {};
if (values.port !== undefined) {
  const port = Number(values.port);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    process.stderr.write(`invalid --port: ${values.port}\n`);
    process.exit(2);
  }
  opts.port = port;
}
if (values["data-dir"]) opts.dataDir = values["data-dir"];
if (values["log-dir"]) opts.logDir = values["log-dir"];

let stopping = false;
let stopBroker: (() => Promise<void>) | undefined;
async function shutdown(signal: NodeJS.Signals): Promise<void> {
  if (stopping) return;
  stopping = true;
  process.stderr.write(`${signal}: stopping Kafka broker...\n`);
  await stopBroker?.();
  process.exit(0);
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));

const t0 = Date.now();
process.stderr.write("starting Kafka broker...\n");
try {
  const broker = await startBroker(opts);
  stopBroker = broker.stop;
  process.stdout.write(`KAFKA_BROKERS=${broker.brokers}\n`);
  process.stderr.write(`Kafka broker ready in ${((Date.now() - t0) / 1000).toFixed(1)} s; Ctrl-C to stop\n`);
  const how = await broker.exited;
  if (!stopping) {
    process.stderr.write(`Kafka broker ${how}\n`);
    await broker.stop();
    process.exit(1);
  }
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(1);
}
