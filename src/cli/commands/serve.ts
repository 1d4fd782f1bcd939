/**
 * `lockstep serve <pipeline> --store DIR [--port P] [--host H]`: answers
 * HTTP requests from the view store a `lockstep run … --store DIR` wrote,
 * through the sinks' serving declarations (src/serve/server.ts), until
 * SIGINT or SIGTERM.
 *
 * @module
 */
import type { RegisterCommand } from "./command.ts";
import { collectPairs } from "../options.ts";
import { UsageError } from "../usage-error.ts";

/** Parses a TCP port (0: any free port). */
const portOf = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`--port ${v}: expected a port from 0 to 65535. Fix: e.g. --port 8080`);
  return n;
};

/** Adds `serve` to the command tree. */
export const registerServe: RegisterCommand = (cmd, io) => {
  cmd
    .command("serve")
    .description("answer HTTP requests (GET /v1/<sink>/<key>, POST /v1/<sink>:batchGet) from a view store written by `lockstep run --store`")
    .argument("[pipeline]", "the pipeline the store was written for: a .ts/.js module or a compiled .json")
    .option("--definition <path>", "the pipeline, instead of the argument")
    .requiredOption("--store <dir>", "the view store directory")
    .option("--port <port>", "TCP port (0: any free port, printed)", portOf, 8080)
    .option("--host <host>", "address to bind", "127.0.0.1")
    .option("--param <key=value>", "a pipeline parameter (repeatable), as given to lockstep run", collectPairs("--param", "window=fixed:10s"))
    .option("--executors <module>", "a module exporting the executors a compiled .json's serving stages need")
    .option("--max-in-flight <n>", "requests in flight at once; more are answered 503", (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new UsageError(`--max-in-flight ${v}: expected a whole number ≥ 1. Fix: e.g. --max-in-flight 1024`);
      return n;
    })
    .option(
      "--answer-cache-mb <n>",
      "the answer cache: computed answers kept while their stored rows are unchanged, in units of 2^20 bytes (default 64; 0: off)",
      (v) => {
        const n = Number(v);
        if (!Number.isFinite(n) || n < 0)
          throw new UsageError(`--answer-cache-mb ${v}: expected a number ≥ 0. Fix: e.g. --answer-cache-mb 64, or 0 to turn it off`);
        return n;
      },
    )
    .option("--no-fast-path", "answer every request through hono, also the plain GETs node:http answers directly by default (same bytes; for comparing)")
    .action(async (pipeline: string | undefined, o) => {
      const path = pipeline ?? o.definition;
      if (path === undefined) throw new UsageError("serve needs the pipeline the store was written for. Fix: lockstep serve <pipeline> --store DIR");
      if (pipeline !== undefined && o.definition !== undefined)
        throw new UsageError("the pipeline is given twice. Fix: pass it as the argument or with --definition, not both");
      const { loadDefinition } = await import("../load-definition.ts");
      const { planOf } = await import("../definition.ts");
      const { startServer } = await import("../../serve/server.ts");
      const { StoreError } = await import("../../store/index.ts");
      const { untilStopRequested } = await import("../stop-signal.ts");
      const { plan, registry } = await planOf(await loadDefinition(path), o.param ?? {}, o.executors);
      let server: Awaited<ReturnType<typeof startServer>>;
      try {
        server = await startServer({
          plan,
          registry,
          store: o.store,
          port: o.port,
          host: o.host,
          maxInFlight: o.maxInFlight,
          fastPath: o.fastPath !== false,
          ...(o.answerCacheMb === undefined ? {} : { answerCacheBytes: Math.round(o.answerCacheMb * 1024 * 1024) }),
        });
      } catch (e) {
        if (e instanceof StoreError) throw new UsageError(e.message);
        throw e;
      }
      const stop = untilStopRequested();
      io.err(`lockstep: serving "${plan.name}" v${plan.version} from ${o.store} on ${server.url} (stop with Ctrl-C)\n`);
      try {
        await stop.stopped;
      } finally {
        stop.cancel();
        await server.close();
      }
    });
};
