/**
 * The command-line side of a local service script (scripts/kafka/start.ts, scripts/flink/start.ts):
 * a `--port` check, and running the service until SIGINT/SIGTERM or until it dies.
 */

/** A started local service, as the launchers return it. */
export interface RunningService {
  stop(): Promise<void>;
  /** Settles with how the service exited, if it does on its own. */
  readonly exited: Promise<string>;
}

/** The `--port` value as a TCP port; exits 2 with a message on anything else. */
export function portOption(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    process.stderr.write(`invalid --port: ${value}\n`);
    process.exit(2);
  }
  return port;
}

/**
 * Starts the service, prints `ready(service)` on stdout, and keeps it running: SIGINT/SIGTERM stop it
 * (exit 0); its own death, or a failed start, exits 1.
 */
export async function runUntilStopped<S extends RunningService>(name: string, start: () => Promise<S>, ready: (service: S) => string): Promise<void> {
  let stopping = false;
  let service: S | undefined;
  const shutdown = async (signal: NodeJS.Signals): Promise<void> => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`${signal}: stopping ${name}...\n`);
    await service?.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  const t0 = Date.now();
  try {
    service = await start();
    process.stdout.write(ready(service));
    process.stderr.write(`${name} ready in ${((Date.now() - t0) / 1000).toFixed(1)} s; Ctrl-C to stop\n`);
    const how = await service.exited;
    if (!stopping) {
      process.stderr.write(`${name}: ${how}\n`);
      await service.stop();
      process.exit(1);
    }
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  }
}
