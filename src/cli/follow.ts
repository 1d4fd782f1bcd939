/**
 * `lockstep run --runner kafka --follow`: the pipeline as a long-running
 * stream processor, until SIGINT or SIGTERM, then a graceful stop (finish the
 * batch in flight, commit, leave the group).
 *
 * @module
 */
import type { Plan } from "../plan/ir.ts";
import type { Registry } from "../registry/registry.ts";
import { KafkaStreamRunner } from "../../runners/kafka/runner.ts";
import { withBrokers } from "./brokers.ts";

/** Runs until a signal; logs structured JSON lines on stderr. */
export const followCommand = async (
  plan: Plan,
  registry: Registry,
  o: { brokers?: string; partitions: number; guarantee: "exactly-once" | "at-least-once"; appId?: string; topicPrefix: string; metricsPort?: number; onExecutorError?: string; quiet?: boolean },
  err: (s: string) => void,
): Promise<void> =>
  withBrokers(o.brokers, err, Boolean(o.quiet), async (brokers) => {
    const log = (e: Record<string, unknown>) => err(JSON.stringify({ time: new Date().toISOString(), ...e }) + "\n");
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
    });
    // A run that fails (at start, or later: runner.error()) still closes its consumers and producers, so the process exits.
    try {
      await runner.start(plan);
      log({ event: "following", brokers, hint: "stop with Ctrl-C (SIGINT) or SIGTERM" });
      await untilStopped(runner);
    } finally {
      await runner.stop();
    }
  });

/** Resolves on SIGINT or SIGTERM; rejects with the runner's first fatal error. */
const untilStopped = (runner: KafkaStreamRunner): Promise<void> =>
  new Promise<void>((resolve, reject) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    const check = setInterval(() => {
      const e = runner.error();
      if (e) {
        clearInterval(check);
        reject(e);
      }
    }, 200);
    check.unref();
  });
