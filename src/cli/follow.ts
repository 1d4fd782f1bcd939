/**
 * `lockstep run --runner kafka --follow`: the pipeline as a long-running
 * stream processor, until SIGINT or SIGTERM (also when sent to `npx`: see
 * stop-signal.ts), then a graceful stop (finish the batch in flight, commit,
 * leave the group).
 *
 * @module
 */
import type { Checkpoint } from "../engine/checkpoint/index.ts";
import type { Plan } from "../plan/ir.ts";
import type { Registry } from "../registry/registry.ts";
import type { StateChoice } from "../run/options.ts";
import { KafkaStreamRunner } from "../../runners/kafka/runner.ts";
import { withBrokers } from "../../runners/kafka/brokers.ts";
import { untilStopRequested } from "./stop-signal.ts";

/** Runs until a signal; logs structured JSON lines (pino; level from LOCKSTEP_LOG_LEVEL, default info) on stderr. */
export const followCommand = async (
  plan: Plan,
  registry: Registry,
  o: {
    brokers?: string;
    partitions: number;
    guarantee: "exactly-once" | "at-least-once";
    appId?: string;
    topicPrefix: string;
    metricsPort?: number;
    /** The Kafka client library (default: LOCKSTEP_KAFKA_CLIENT, else kafkajs). */
    kafkaClient?: "kafkajs" | "platformatic";
    onExecutorError?: string;
    quiet?: boolean;
    /** Start a new application from a batch run's checkpoint (docs/semantics.md §17). */
    fromCheckpoint?: Checkpoint;
    /** Where task state lives (default memory). */
    state?: StateChoice;
  },
  err: (s: string) => void,
): Promise<void> =>
  withBrokers(o.brokers, err, Boolean(o.quiet), async (brokers) => {
    // pino loads only for a follow run: other commands' start-up does not pay for it.
    const { createLogger, eventLog } = await import("../../runners/kafka/logger.ts");
    const log = eventLog(createLogger(err));
    const runner = new KafkaStreamRunner({
      brokers,
      partitions: o.partitions,
      guarantee: o.guarantee,
      topicPrefix: o.topicPrefix,
      registry,
      onExecutorError: o.onExecutorError === "dead-letter" ? "deadLetter" : "fail",
      log,
      ...(o.appId ? { appId: o.appId } : {}),
      ...(o.metricsPort ? { metricsPort: o.metricsPort } : {}),
      ...(o.kafkaClient ? { client: o.kafkaClient } : {}),
      ...(o.fromCheckpoint ? { fromCheckpoint: o.fromCheckpoint } : {}),
      ...(o.state ? { state: o.state } : {}),
    });
    // A run that fails (at start, or later: runner.error()) still closes its consumers and producers, so the process exits.
    const stop = untilStopRequested();
    let check: NodeJS.Timeout | undefined;
    try {
      await runner.start(plan);
      log({ event: "following", brokers, hint: "stop with Ctrl-C (SIGINT) or SIGTERM" });
      const failed = new Promise<never>((_, reject) => {
        check = setInterval(() => {
          const e = runner.error();
          if (e) reject(e);
        }, 200);
        check.unref();
      });
      const reason = await Promise.race([stop.stopped, failed]);
      log({ event: "stopping", reason });
    } finally {
      clearInterval(check);
      stop.cancel();
      await runner.stop();
    }
  });
