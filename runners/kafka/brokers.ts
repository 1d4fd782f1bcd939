/**
 * Which Kafka cluster a CLI command uses: `--brokers`, else `KAFKA_BROKERS`,
 * else an embedded broker the project starts itself (and stops afterwards).
 *
 * @module
 */

/** Runs `f` with bootstrap servers, starting the embedded broker when none are given. */
export const withBrokers = async <A>(given: string | undefined, err: (s: string) => void, quiet: boolean, f: (brokers: string[]) => Promise<A>): Promise<A> => {
  const list = given ?? process.env.KAFKA_BROKERS;
  if (list)
    return f(
      list
        .split(",")
        .map((b) => b.trim())
        .filter(Boolean),
    );
  if (!quiet) err("lockstep: no --brokers or KAFKA_BROKERS: starting the embedded Kafka broker (the first run downloads it with Maven)\n");
  const { startBroker } = await import("../../scripts/kafka/broker.ts");
  const broker = await startBroker();
  try {
    return await f([broker.brokers]);
  } finally {
    await broker.stop();
  }
};
