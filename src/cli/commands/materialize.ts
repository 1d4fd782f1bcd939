/**
 * `lockstep materialize <pipeline> --store DIR`: keeps a view store equal to the final view of a
 * running Kafka job's keyed sinks (read_committed), until SIGINT or SIGTERM — the process a serving
 * fleet runs beside `lockstep serve`. A restart resumes from the offsets the store records.
 *
 * @module
 */
import type { RegisterCommand } from "./command.ts";
import { collectPairs } from "../options.ts";

/** Adds `materialize` to the command tree. */
export const registerMaterialize: RegisterCommand = (program, io) => {
  program
    .command("materialize")
    .description("keep a view store equal to the final view of a Kafka job's sink topics (for lockstep serve), until SIGINT/SIGTERM")
    .argument("<pipeline>", "the job's definition: a .ts/.js module or a compiled .json")
    .requiredOption("--store <dir>", "the view store to keep (created if missing; must hold this definition's views)")
    .option("--brokers <list>", "bootstrap servers (default: KAFKA_BROKERS, else an embedded broker)")
    .option("--topic-prefix <prefix>", "the job's --topic-prefix (sink topics are prefix + sink name)", "")
    .option("--sink <name>", "only this sink (repeatable; default every keyed sink)", (v: string, prev: string[] = []) => [...prev, v])
    .option("--param <key=value>", "a pipeline parameter, as the job was started with (repeatable)", collectPairs("--param", "window=fixed:10s"))
    .option("--executors <module>", "a module exporting the executors a compiled .json needs")
    .option("-q, --quiet", "no log lines on stderr")
    .action(async (pipeline: string, o) => {
      const { loadDefinition } = await import("../load-definition.ts");
      const { planOf } = await import("../definition.ts");
      const { plan } = await planOf(await loadDefinition(pipeline), o.param ?? {}, o.executors);
      const { materializableSinks } = await import("../../../runners/kafka/materializer.ts");
      materializableSinks(plan, o.sink); // a definition error before any broker or store is touched
      const { openViewStore } = await import("../../store/index.ts");
      const store = openViewStore(o.store, { definition: { name: plan.name, version: plan.version, hash: plan.hash } });
      const { withBrokers } = await import("../../../runners/kafka/brokers.ts");
      const { KafkajsClient } = await import("../../../runners/kafka/kafkajs-client.ts");
      const { startMaterializer } = await import("../../../runners/kafka/materializer.ts");
      const { untilStopRequested } = await import("../stop-signal.ts");
      const log = (e: Record<string, unknown>) => {
        if (!o.quiet) io.err(`${JSON.stringify({ time: Date.now(), ...e })}\n`);
      };
      try {
        await withBrokers(o.brokers, io.err, Boolean(o.quiet), async (brokers) => {
          const client = new KafkajsClient(brokers, "lockstep-materializer");
          const stop = untilStopRequested();
          let check: NodeJS.Timeout | undefined;
          let applied = 0;
          try {
            const m = await startMaterializer({
              client,
              plan,
              store,
              topicPrefix: o.topicPrefix,
              ...(o.sink ? { sinks: o.sink } : {}),
              onApplied: (e) => void (applied += e.panes),
            });
            log({
              event: "materializing",
              store: o.store,
              topics: [...m.sinks.keys()],
              offsets: Object.fromEntries([...m.sinks.values()].map((s) => [s, store.offsets(s)])),
            });
            const failed = new Promise<never>((_, reject) => {
              check = setInterval(() => {
                if (m.error() !== undefined) reject(m.error());
              }, 200);
              check.unref();
            });
            const reason = await Promise.race([stop.stopped, failed]);
            log({ event: "stopping", reason, applied });
            await m.stop();
          } finally {
            clearInterval(check);
            stop.cancel();
            await client.close();
          }
        });
      } finally {
        await store.close();
      }
    });
};
