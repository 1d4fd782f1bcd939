/**
 * A throwaway local Apache Flink for tests and for `lockstep run --runner flink` without
 * `--gateway`: a standalone session cluster (one JobManager and one TaskManager process) and
 * the SQL Gateway in front of it, all bound to 127.0.0.1 on free ports.
 *
 *   const gw = await startLocalGateway();   // { url: "http://127.0.0.1:<port>", restUrl, stop() }
 *   ...
 *   await gw.stop();
 *
 * The jars come from Maven Central (scripts/flink/pom.xml) and are cached in
 * <cache>/flink/1.20.3/lib (`cacheDir()`), or `$LOCKSTEP_FLINK_HOME/lib` when that is set (a
 * real Flink distribution works there too); they are fetched on first use only.
 * Requires `java` (17) on PATH, and `mvn` on the first run. README.md beside this file.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, existsSync, openSync, readdirSync, readFileSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { cacheDir } from "../../src/core/package-info.ts";
import { ensureJars } from "../jvm/maven-jars.ts";
import { workDirOf } from "../jvm/work-dir.ts";
import { freePorts } from "../jvm/ports.ts";
import { reapOnExit } from "../jvm/reaper.ts";

/** The Flink version the project runs and tests against. */
export const FLINK_VERSION = "1.20.3";

const HERE = dirname(fileURLToPath(import.meta.url));
const POM = join(HERE, "pom.xml");
const MARKER_JARS = [`flink-runtime-${FLINK_VERSION}.jar`, `flink-sql-gateway-${FLINK_VERSION}.jar`, `flink-table-planner-loader-${FLINK_VERSION}.jar`];

/** The folder holding Flink's `lib/`: `$LOCKSTEP_FLINK_HOME`, else `<cache>/flink/1.20.3`. */
export const flinkHome = (): string => process.env.LOCKSTEP_FLINK_HOME || join(cacheDir(), "flink", FLINK_VERSION);

const READY_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 15_000;

/** Task slots of the local TaskManager (the parallelism a job can have). */
export const LOCAL_SLOTS = 2;

// Memory, kept small for a 2-core box shared with other work (about 2 GiB for the three JVMs).
// Flink checks these against each other; the JVM flags below are derived from the same numbers.
const MB = {
  jmHeap: 384,
  jmOffHeap: 64,
  jmMeta: 192,
  tmFrameworkHeap: 64,
  tmTaskHeap: 384,
  tmFrameworkOffHeap: 128,
  tmNetwork: 64,
  tmManaged: 128,
  tmMeta: 192,
};

// What Flink's own config.yaml passes to every JVM on Java 17 (env.java.opts.all): Kryo,
// the RPC system and the code generator reach into these JDK internals.
const JAVA17_OPENS = [
  "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
  "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
  "--add-exports=jdk.compiler/com.sun.tools.javac.api=ALL-UNNAMED",
  "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
  "--add-exports=jdk.compiler/com.sun.tools.javac.parser=ALL-UNNAMED",
  "--add-exports=jdk.compiler/com.sun.tools.javac.tree=ALL-UNNAMED",
  "--add-exports=jdk.compiler/com.sun.tools.javac.util=ALL-UNNAMED",
  "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
  ...["java.lang", "java.net", "java.io", "java.nio", "sun.nio.ch", "java.lang.reflect", "java.text", "java.time", "java.util"].map(
    (p) => `--add-opens=java.base/${p}=ALL-UNNAMED`,
  ),
  ...["java.util.concurrent", "java.util.concurrent.atomic", "java.util.concurrent.locks"].map((p) => `--add-opens=java.base/${p}=ALL-UNNAMED`),
];

/** Options of `startLocalGateway`. */
export interface LocalGatewayOptions {
  /** The gateway's REST port; a free one is picked when omitted. */
  port?: number;
  /** Where config.yaml and the JVMs' logs go (kept); a temp dir (removed by stop()) when omitted. */
  logDir?: string;
  /**
   * The REST address (`http://host:port`) of an existing Flink session cluster: only the gateway
   * is started, pointed at it (the "existing deployment" path). Omitted: a local cluster is started too.
   */
  cluster?: string;
  /**
   * More jars for the TaskManager's and the gateway's own classpath (not a job's): the GraalJS
   * runtime of the executor functions (`buildJsUdfJars().runtime`), which cannot be loaded once per
   * job — Truffle's native library refuses a second class loader.
   */
  extraJars?: readonly string[];
}

/** A running local SQL Gateway (and the cluster behind it, unless `cluster` was given). */
export interface LocalGateway {
  /** The SQL Gateway's REST endpoint, e.g. "http://127.0.0.1:38083". */
  url: string;
  /** The Flink cluster's REST endpoint (JobManager), e.g. "http://127.0.0.1:38081". */
  restUrl: string;
  /** Stops the processes started here (SIGTERM, SIGKILL after 15 s) and removes temp dirs. Idempotent. */
  stop(): Promise<void>;
  /** Settles when the first of the processes exits, for whatever reason (a description of which and how). */
  exited: Promise<string>;
}

/** A running local session cluster (JobManager + one TaskManager), without a gateway. */
export interface LocalCluster {
  /** The JobManager's REST endpoint, e.g. "http://127.0.0.1:38081": what a gateway's `cluster` option takes. */
  restUrl: string;
  stop(): Promise<void>;
  exited: Promise<string>;
}

// ---------------------------------------------------------------------------------------------
// Jars

/** Makes sure Flink's jars are in `<flinkHome()>/lib` (fetching them with Maven once) and returns that folder. */
export async function ensureFlinkJars(): Promise<string> {
  const home = flinkHome();
  // A real distribution: flink-dist in lib/, the gateway in opt/.
  if (process.env.LOCKSTEP_FLINK_HOME && existsSync(join(home, "lib")) && readdirSync(join(home, "lib")).some((f) => f.startsWith("flink-dist"))) {
    return join(home, "lib");
  }
  return ensureJars({ what: `Flink ${FLINK_VERSION}`, pom: POM, dir: home, markers: MARKER_JARS });
}

/** The JVM classpath for `lib` (plus a distribution's opt/flink-sql-gateway jar, which is not in its lib/). */
function classpath(lib: string): string {
  const opt = join(dirname(lib), "opt");
  const extra = existsSync(opt) ? readdirSync(opt).filter((f) => /^flink-sql-gateway-.*\.jar$/.test(f)) : [];
  return [`${lib}/*`, ...extra.map((f) => join(opt, f))].join(":");
}

// ---------------------------------------------------------------------------------------------
// Config

/** Ports of one start. */
interface Ports {
  gateway: number;
  jmRpc: number;
  jmRest: number;
}

/** The flat config.yaml (Flink 1.20 reads flat `key: value` lines as well as nested YAML). */
function configYaml(ports: Ports, workDir: string, cluster: { host: string; port: number }): string {
  const conf: Record<string, string | number> = {
    // Everything on loopback: Flink listens on all interfaces unless told otherwise.
    "jobmanager.rpc.address": "127.0.0.1",
    "jobmanager.rpc.port": ports.jmRpc,
    "jobmanager.bind-host": "127.0.0.1",
    "taskmanager.bind-host": "127.0.0.1",
    "taskmanager.host": "127.0.0.1",
    "rest.address": cluster.host,
    "rest.port": cluster.port,
    "rest.bind-address": "127.0.0.1",
    "sql-gateway.endpoint.rest.address": "127.0.0.1",
    "sql-gateway.endpoint.rest.bind-address": "127.0.0.1",
    "sql-gateway.endpoint.rest.port": ports.gateway,
    "blob.server.port": 0,
    "execution.target": "remote",
    // A bad record fails the job at once instead of being retried forever.
    "restart-strategy.type": "none",
    "parallelism.default": 1,
    "taskmanager.numberOfTaskSlots": LOCAL_SLOTS,
    "taskmanager.cpu.cores": LOCAL_SLOTS,
    "jobmanager.memory.heap.size": `${MB.jmHeap}m`,
    "jobmanager.memory.off-heap.size": `${MB.jmOffHeap}m`,
    "jobmanager.memory.jvm-metaspace.size": `${MB.jmMeta}m`,
    "jobmanager.memory.jvm-overhead.min": "64m",
    "jobmanager.memory.jvm-overhead.max": "64m",
    "taskmanager.memory.framework.heap.size": `${MB.tmFrameworkHeap}m`,
    "taskmanager.memory.task.heap.size": `${MB.tmTaskHeap}m`,
    "taskmanager.memory.managed.size": `${MB.tmManaged}m`,
    "taskmanager.memory.framework.off-heap.size": `${MB.tmFrameworkOffHeap}m`,
    "taskmanager.memory.task.off-heap.size": "0m",
    "taskmanager.memory.network.min": `${MB.tmNetwork}m`,
    "taskmanager.memory.network.max": `${MB.tmNetwork}m`,
    "taskmanager.memory.jvm-metaspace.size": `${MB.tmMeta}m`,
    "taskmanager.memory.jvm-overhead.min": "96m",
    "taskmanager.memory.jvm-overhead.max": "96m",
    // A batch shuffle's sort partition takes 512 network buffers (16 MB) by default: with 64 MB of
    // network memory a second job's partitions found none left ("Insufficient number of network buffers").
    "taskmanager.network.sort-shuffle.min-buffers": 64,
    // Spill files, blobs and the planner's unpacked jar under the work dir, removed by stop().
    "io.tmp.dirs": join(workDir, "tmp"),
    "blob.storage.directory": join(workDir, "tmp", "blobs"),
    "web.tmpdir": join(workDir, "tmp", "web"),
  };
  return Object.entries(conf)
    .map(([k, v]) => `${k}: ${typeof v === "number" ? v : JSON.stringify(v)}`)
    .join("\n")
    .concat("\n");
}

// Quiet: warnings and errors only. The noisy warnings of a jar set without YARN, plugins or a web UI are dropped.
const LOG4J2_PROPERTIES = `rootLogger.level = WARN
rootLogger.appenderRef.console.ref = ConsoleAppender
appender.console.name = ConsoleAppender
appender.console.type = CONSOLE
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss,SSS} %-5p %c{1} - %m%n
logger.cli.name = org.apache.flink.client.cli.CliFrontend
logger.cli.level = ERROR
logger.plugin.name = org.apache.flink.core.plugin.PluginConfig
logger.plugin.level = ERROR
logger.web.name = org.apache.flink.runtime.webmonitor.WebMonitorUtils
logger.web.level = ERROR
logger.tokens.name = org.apache.flink.runtime.security.token
logger.tokens.level = ERROR
`;

// ---------------------------------------------------------------------------------------------
// Processes

type Role = "jobmanager" | "taskmanager" | "sql-gateway";

const MAIN_CLASS: Record<Role, string> = {
  jobmanager: "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
  taskmanager: "org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
  "sql-gateway": "org.apache.flink.table.gateway.SqlGateway",
};

// The control processes run with C1 only (they start ~30% faster and do little work); the
// TaskManager runs the jobs and gets the full JIT.
const JVM_OPTS: Record<Role, string[]> = {
  jobmanager: [`-Xmx${MB.jmHeap}m`, "-Xms64m", `-XX:MaxMetaspaceSize=${MB.jmMeta}m`, `-XX:MaxDirectMemorySize=${MB.jmOffHeap}m`, "-XX:TieredStopAtLevel=1"],
  taskmanager: [
    `-Xmx${MB.tmFrameworkHeap + MB.tmTaskHeap}m`,
    "-Xms128m",
    `-XX:MaxMetaspaceSize=${MB.tmMeta}m`,
    `-XX:MaxDirectMemorySize=${MB.tmFrameworkOffHeap + MB.tmNetwork}m`,
  ],
  "sql-gateway": ["-Xmx384m", "-Xms64m", "-XX:TieredStopAtLevel=1"],
};

interface FlinkProcess {
  readonly role: Role;
  readonly child: ChildProcess;
  readonly logFile: string;
  /** Settles when the process exits or could not be spawned. */
  readonly ended: Promise<void>;
  /** How it ended ("exited with code 1"), once it has. */
  endedHow(): string | undefined;
}

function spawnFlink(role: Role, cp: string, confDir: string, logDir: string, tmp: string): FlinkProcess {
  const logFile = join(logDir, `${role}.log`);
  const fd = openSync(logFile, "a");
  let child: ChildProcess;
  try {
    const args = [
      ...JVM_OPTS[role],
      "-XX:+UseSerialGC",
      "-Djava.awt.headless=true",
      `-Djava.io.tmpdir=${tmp}`,
      `-Dlog4j.configurationFile=file:${join(confDir, "log4j2.properties")}`,
      ...JAVA17_OPENS,
      "-cp",
      cp,
      MAIN_CLASS[role],
      ...(role === "sql-gateway" ? [] : ["--configDir", confDir]),
    ];
    child = spawn("java", args, { stdio: ["ignore", fd, fd], env: { ...process.env, FLINK_CONF_DIR: confDir } });
  } finally {
    closeSync(fd);
  }
  let how: string | undefined;
  const ended = new Promise<void>((res) => {
    child.once("exit", (code, signal) => {
      how ??= signal ? `was killed by ${signal}` : `exited with code ${code}`;
      res();
    });
    child.once("error", (err: NodeJS.ErrnoException) => {
      how ??= err.code === "ENOENT" ? "could not start: `java` not found on PATH (Java 17 is needed)" : `could not start: ${err.message}`;
      res();
    });
  });
  return { role, child, logFile, ended, endedHow: () => how };
}

async function stopAll(procs: readonly FlinkProcess[]): Promise<void> {
  await Promise.all(
    procs.map(async (p) => {
      if (p.endedHow()) return;
      p.child.kill("SIGTERM");
      const timer = setTimeout(() => p.child.kill("SIGKILL"), STOP_TIMEOUT_MS);
      await p.ended;
      clearTimeout(timer);
    }),
  );
}

/** A log's ERROR lines and "Caused by:" lines (the root cause of a failed start), and its last lines. */
function readLog(path: string): { tail: string; causes: string } {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return { tail: "(no log)", causes: "" };
  }
  const lines = text.split("\n");
  const causes = [...new Set(lines.filter((l) => / (ERROR|FATAL) /.test(l) || l.startsWith("Caused by:") || l.startsWith("Exception in thread")))].slice(-12);
  return { tail: lines.slice(-20).join("\n"), causes: causes.join("\n") };
}

class PortTakenError extends Error {}

// ---------------------------------------------------------------------------------------------
// Start

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** GETs `url` and returns its JSON body, or undefined when nothing (good) answers yet. */
async function getJson(url: string): Promise<unknown> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    return res.ok ? await res.json() : undefined;
  } catch {
    return undefined;
  }
}

interface Started {
  procs: FlinkProcess[];
  workDir: string;
  tempDirs: string[];
  ports: Ports;
  clusterUrl: string;
  /** Drops the processes from the exit-time reaper (after a clean stop). */
  unreap: () => void;
}

async function startOnce(opts: LocalGatewayOptions, roles: readonly Role[]): Promise<Started> {
  const lib = await ensureFlinkJars();
  const tempDirs: string[] = [];
  const workDir = await workDirOf(opts.logDir, "lockstep-flink-", tempDirs);
  const tmp = join(workDir, "tmp");
  tempDirs.push(tmp);
  await mkdir(tmp, { recursive: true });
  const [p1, p2, p3] = await freePorts(3);
  const ports: Ports = { gateway: opts.port ?? p1!, jmRpc: p2!, jmRest: p3! };
  let cluster = { host: "127.0.0.1", port: ports.jmRest };
  if (opts.cluster) {
    const u = new URL(opts.cluster);
    cluster = { host: u.hostname, port: Number(u.port || (u.protocol === "https:" ? 443 : 80)) };
  }
  const clusterUrl = `http://${cluster.host}:${cluster.port}`;
  await writeFile(join(workDir, "config.yaml"), configYaml(ports, workDir, cluster));
  await writeFile(join(workDir, "log4j2.properties"), LOG4J2_PROPERTIES);

  const cp = classpath(lib);
  const extended = [cp, ...(opts.extraJars ?? [])].join(":");
  const procs = roles.map((role) => spawnFlink(role, role === "jobmanager" ? cp : extended, workDir, workDir, tmp));
  const unreap = reapOnExit(
    procs.map((p) => p.child),
    tempDirs,
  );
  try {
    await waitReady(procs, ports, clusterUrl, roles.includes("taskmanager"));
    return { procs, workDir, tempDirs, ports, clusterUrl, unreap };
  } catch (err) {
    const failure = startFailure(err as Error, procs, opts.logDir !== undefined);
    await stopAll(procs);
    unreap();
    await Promise.all(tempDirs.map((d) => rm(d, { recursive: true, force: true })));
    throw failure;
  }
}

async function waitReady(procs: readonly FlinkProcess[], ports: Ports, clusterUrl: string, withTaskManager: boolean): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  const gatewayUrl = `http://127.0.0.1:${ports.gateway}`;
  for (;;) {
    for (const p of procs) {
      const how = p.endedHow();
      if (how) throw new Error(`the ${p.role} process ${how}`);
    }
    const gatewayUp = !procs.some((p) => p.role === "sql-gateway") || (await getJson(`${gatewayUrl}/v1/info`)) !== undefined;
    // The TaskManager must have registered its slots, else the first job waits for them.
    const overview = withTaskManager ? ((await getJson(`${clusterUrl}/overview`)) as { "slots-total"?: number } | undefined) : undefined;
    const slotsUp = !withTaskManager || (overview?.["slots-total"] ?? 0) >= LOCAL_SLOTS;
    if (gatewayUp && slotsUp) return;
    if (Date.now() > deadline) throw new Error(`not ready after ${READY_TIMEOUT_MS / 1000} s`);
    await sleep(250);
  }
}

function startFailure(err: Error, procs: readonly FlinkProcess[], keptLogs: boolean): Error {
  let message = `Local Flink did not come up: ${err.message}\n`;
  let portTaken = false;
  for (const p of procs) {
    const log = readLog(p.logFile);
    if (/Address already in use|BindException/.test(log.causes + log.tail)) portTaken = true;
    const where = keptLogs ? p.logFile : `${p.role}.log`;
    if (log.causes) message += `--- errors in ${where} ---\n${log.causes}\n`;
    else if (p.endedHow()) message += `--- last lines of ${where} ---\n${log.tail}\n`;
  }
  return portTaken ? new PortTakenError(message) : new Error(message.trimEnd());
}

function running(started: Started): { stop(): Promise<void>; exited: Promise<string> } {
  const { procs, tempDirs, unreap } = started;
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await stopAll(procs);
      unreap();
      await Promise.all(tempDirs.map((d) => rm(d, { recursive: true, force: true })));
    })());
  const exited = Promise.race(procs.map((p) => p.ended.then(() => `the ${p.role} process ${p.endedHow()}`)));
  return { stop, exited };
}

async function startWithRetry(opts: LocalGatewayOptions, roles: readonly Role[]): Promise<Started> {
  // Free ports are picked before the JVMs bind them; if another process grabbed one in
  // between, try again with new ones.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(opts, roles);
    } catch (err) {
      if (!(err instanceof PortTakenError) || opts.port !== undefined || attempt >= 3) throw err;
    }
  }
}

/**
 * Starts the SQL Gateway on 127.0.0.1 — with a local session cluster (JobManager + one
 * TaskManager with {@link LOCAL_SLOTS} slots) behind it unless `opts.cluster` names an existing
 * one — and resolves once `GET /v1/info` answers and the TaskManager's slots are registered
 * (120 s at most; the error then quotes the JVMs' logs).
 */
export async function startLocalGateway(opts: LocalGatewayOptions = {}): Promise<LocalGateway> {
  const roles: Role[] = opts.cluster ? ["sql-gateway"] : ["jobmanager", "taskmanager", "sql-gateway"];
  const started = await startWithRetry(opts, roles);
  return { url: `http://127.0.0.1:${started.ports.gateway}`, restUrl: started.clusterUrl, ...running(started) };
}

/**
 * Starts a local standalone session cluster (JobManager + one TaskManager, two processes)
 * without a gateway: a stand-in for an existing deployment, reached through
 * `startLocalGateway({ cluster: restUrl })`.
 */
export async function startLocalCluster(opts: { logDir?: string; extraJars?: readonly string[] } = {}): Promise<LocalCluster> {
  const started = await startWithRetry(opts, ["jobmanager", "taskmanager"]);
  return { restUrl: started.clusterUrl, ...running(started) };
}
