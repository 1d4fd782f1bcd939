/**
 * Runs a local Flink (JobManager + TaskManager + SQL Gateway, all on 127.0.0.1) until SIGINT/SIGTERM.
 *
 *   npx tsx scripts/flink/start.ts [--port 8083] [--log-dir DIR] [--cluster http://HOST:PORT] [--graaljs]
 *
 * Prints `FLINK_GATEWAY=http://127.0.0.1:<port>` as the first stdout line once the gateway answers
 * (then `FLINK_REST=…` , the cluster's REST endpoint; progress goes to stderr), then keeps running;
 * stops everything cleanly on SIGINT/SIGTERM. With `--cluster` only the gateway is started, in
 * front of that existing cluster. With `--graaljs` the executor functions' GraalJS runtime is put on
 * the TaskManager's classpath (scripts/flink/udfs.ts: buildJsUdfJars). Exits 1 if Flink fails to start or a process dies.
 */
import { parseArgs } from "node:util";
import { portOption, runUntilStopped } from "../jvm/service-cli.ts";
import { type LocalGatewayOptions, startLocalGateway } from "./gateway.ts";
import { buildJsUdfJars } from "./udfs.ts";

const { values } = parseArgs({
  options: {
    port: { type: "string" },
    "log-dir": { type: "string" },
    cluster: { type: "string" },
    graaljs: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  },
});
if (values.help) {
  process.stderr.write("usage: npx tsx scripts/flink/start.ts [--port N] [--log-dir DIR] [--cluster http://HOST:PORT] [--graaljs]\n");
  process.exit(0);
}

const opts: LocalGatewayOptions = { port: portOption(values.port) };
if (values["log-dir"]) opts.logDir = values["log-dir"];
if (values.cluster) {
  if (!URL.canParse(values.cluster)) {
    process.stderr.write(`invalid --cluster: ${values.cluster} (expected http://HOST:PORT, the cluster's REST endpoint)\n`);
    process.exit(2);
  }
  opts.cluster = values.cluster;
}

if (values.graaljs) opts.extraJars = (await buildJsUdfJars()).runtime;

process.stderr.write(
  opts.cluster ? `starting the Flink SQL Gateway for ${opts.cluster}...\n` : "starting local Flink (JobManager, TaskManager, SQL Gateway)...\n",
);
await runUntilStopped(
  "Flink",
  () => startLocalGateway(opts),
  (gw) => `FLINK_GATEWAY=${gw.url}\nFLINK_REST=${gw.restUrl}\n`,
);
