/**
 * A follow-mode KafkaStreamRunner in its own process, for the fault suite (SIGKILL, SIGTERM).
 *
 *   node --import tsx test/faults/runner-process.ts <brokers> <appId> <topicPrefix> <example> [paramsJson]
 *
 * `example` names a file of examples/ (e.g. window-count), or is a path (with a "/") under the repository
 * to a module whose default export is the pipeline and whose `registry` export, if any, binds its
 * executors and service clients. Prints each log line as JSON on stdout,
 * exits 1 on a fatal error (FAULT_IDLE_MS in the environment sets idleMs; FAULT_STATE_DIR keeps task state
 * on disk in LMDB there, FAULT_GUARANTEE sets the guarantee), and stops gracefully (commit, leave the group) on SIGTERM, exiting 0.
 */
import { join } from "node:path";
import { KafkaStreamRunner } from "../../runners/kafka/runner.ts";
import type { Registry } from "../../src/registry/registry.ts";

const [brokers, appId, topicPrefix, example, paramsJson] = process.argv.slice(2);
if (!brokers || !appId || topicPrefix === undefined || !example) {
  process.stderr.write("usage: runner-process.ts <brokers> <appId> <topicPrefix> <example> [paramsJson]\n");
  process.exit(2);
}
const file = example.includes("/") ? join(import.meta.dirname, "../..", example) : join(import.meta.dirname, "../../examples", `${example}.ts`);
const mod = (await import(file)) as { default: never; registry?: Registry };
const pipeline = mod.default;
const params = paramsJson ? (JSON.parse(paramsJson) as Record<string, string>) : undefined;
const runner = new KafkaStreamRunner({
  brokers: brokers.split(","),
  appId,
  topicPrefix,
  ...(params ? { params } : {}),
  ...(mod.registry ? { registry: mod.registry } : {}),
  // FAULT_IDLE_MS=0 turns idle firing off: panes then follow elements alone, so their count is the DirectRunner's.
  ...(process.env.FAULT_IDLE_MS !== undefined ? { idleMs: Number(process.env.FAULT_IDLE_MS) } : {}),
  ...(process.env.FAULT_STATE_DIR ? { state: { lmdb: { dir: process.env.FAULT_STATE_DIR } } } : {}),
  ...(process.env.FAULT_GUARANTEE ? { guarantee: process.env.FAULT_GUARANTEE as "exactly-once" | "at-least-once" } : {}),
  log: (e) => process.stdout.write(JSON.stringify(e) + "\n"),
});
process.once("SIGTERM", () => void runner.stop().then(() => process.exit(0)));
await runner.start(pipeline);
setInterval(() => {
  const e = runner.error();
  if (e !== undefined) {
    process.stderr.write(`fatal: ${String((e as Error)?.stack ?? e)}\n`);
    process.exit(1);
  }
}, 200);
