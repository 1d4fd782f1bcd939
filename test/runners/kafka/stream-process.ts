/**
 * A KafkaStreamRunner in its own process, for tests that kill it (SIGKILL: no
 * graceful stop, open transactions left behind, the group member just gone).
 *
 *   node --import tsx test/runners/kafka/stream-process.ts <brokers> <appId> <topicPrefix> <pipeline>
 *
 * Prints each structured log line as JSON on stdout (`{"event":"started",…}`
 * once it has joined), exits 1 on a fatal error, and stops gracefully on SIGTERM.
 */
import { KafkaStreamRunner } from "../../../runners/kafka/runner.ts";
import { runningTotals } from "./fixtures.ts";

const [brokers, appId, topicPrefix, which] = process.argv.slice(2);
const pipelines = { "running-totals": runningTotals };
const pipeline = pipelines[which as keyof typeof pipelines];
if (!brokers || !appId || topicPrefix === undefined || !pipeline) {
  process.stderr.write("usage: stream-process.ts <brokers> <appId> <topicPrefix> running-totals\n");
  process.exit(2);
}
const runner = new KafkaStreamRunner({ brokers: brokers.split(","), appId, topicPrefix, log: (e) => process.stdout.write(JSON.stringify(e) + "\n") });
process.once("SIGTERM", () => void runner.stop().then(() => process.exit(0)));
await runner.start(pipeline);
setInterval(() => {
  const e = runner.error();
  if (e !== undefined) {
    process.stderr.write(`fatal: ${String((e as Error)?.stack ?? e)}\n`);
    process.exit(1);
  }
}, 200);
