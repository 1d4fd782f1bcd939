/**
 * A throwaway single-node Apache Kafka broker (KRaft combined mode) for tests and for
 * `lockstep run --runner kafka`.
 *
 *   const broker = await startBroker();   // { brokers: "127.0.0.1:<port>", stop() }
 *   ...
 *   await broker.stop();
 *
 * The broker's jars come from Maven Central (scripts/kafka/pom.xml) and are cached in
 * <cache>/kafka/<version>/lib (`cacheDir()`: the repository's .cache/, or the user's cache
 * folder for an installed package); they are fetched on first use only.
 * Requires `java` (17+) on PATH, and `mvn` on the first run.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, existsSync, openSync, readFileSync, rmSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Kafka, logLevel } from "kafkajs";
import { cacheDir } from "../../src/core/package-info.ts";
import { ensureJars, runCommand, tailLines as tail } from "../jvm/maven-jars.ts";
import { workDirOf } from "../jvm/work-dir.ts";
import { freePorts, portOpen } from "../jvm/ports.ts";
import { type CdsPlan, planCds, publishArchive } from "../jvm/cds.ts";
import { reapOnExit } from "../jvm/reaper.ts";

export { freePorts };

export const KAFKA_VERSION = "3.9.1";

const HERE = dirname(fileURLToPath(import.meta.url));
const POM = join(HERE, "pom.xml");
/** Cache folder holding the broker's jars (in a checkout: `.cache/`, which is in .gitignore). */
export const KAFKA_CACHE_DIR = join(cacheDir(), "kafka", KAFKA_VERSION);
export const KAFKA_LIB_DIR = join(KAFKA_CACHE_DIR, "lib");
const MARKER_JARS = [`kafka_2.13-${KAFKA_VERSION}.jar`, "slf4j-reload4j-1.7.36.jar"];

const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;
// Small heap, one GC thread and C1 only: the broker starts about twice as fast on 2 shared cores
// and test workloads are tiny.
const JVM_OPTS = ["-Xmx512m", "-Xms256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true"];
const TOOL_JVM_OPTS = ["-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"];

export interface StartBrokerOptions {
  /** Client (PLAINTEXT) port; a free one is picked when omitted. */
  port?: number;
  /** Kafka data directory (`log.dirs`); a fresh temp dir (removed by stop()) when omitted. */
  dataDir?: string;
  /** Where server.properties, log4j.properties and broker.log go; a temp dir (removed by stop()) when omitted. */
  logDir?: string;
}

export interface Broker {
  /** Bootstrap servers, e.g. "127.0.0.1:39092". */
  brokers: string;
  /** SIGTERM the broker, wait for it to exit (SIGKILL after a timeout), remove temp dirs. Idempotent. */
  stop(): Promise<void>;
  /** Settles when the broker process exits, for whatever reason (a description of how). */
  exited: Promise<string>;
}

// ---------------------------------------------------------------------------------------------
// Jars

/**
 * Makes sure the broker's jars are in KAFKA_LIB_DIR and returns that path (fetched with Maven
 * once; scripts/jvm/maven-jars.ts).
 */
export function ensureKafkaJars(): Promise<string> {
  return ensureJars({ what: `Kafka ${KAFKA_VERSION}`, pom: POM, dir: KAFKA_CACHE_DIR, markers: MARKER_JARS });
}

const run = (cmd: string, args: string[]) => runCommand(cmd, args, "to run the Kafka broker");

// ---------------------------------------------------------------------------------------------
// Class-data sharing: the first broker that stops cleanly dumps the classes it loaded into an
// archive in the cache; later JVMs map it and start ~2x faster. Keyed by the `java` binary, as
// an archive only works with the JVM build that wrote it (scripts/jvm/cds.ts). LOCKSTEP_KAFKA_CDS=0
// turns it off.

// ---------------------------------------------------------------------------------------------
// Config

/** A Kafka cluster id: 16 random bytes, URL-safe base64 without padding (as `kafka-storage random-uuid`). */
function clusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString("base64url");
    if (!id.startsWith("-")) return id; // would be parsed as an option by StorageTool
  }
}

/**
 * The cluster id to format `dataDir` with: the one its meta.properties already
 * holds (a data directory is formatted once; formatting it again with another
 * id makes the broker refuse it: "Invalid cluster.id in meta.properties"),
 * else a new random one.
 */
export function clusterIdFor(dataDir: string): string {
  const meta = join(dataDir, "meta.properties");
  if (existsSync(meta)) {
    const id = /^cluster\.id=(.+)$/m.exec(readFileSync(meta, "utf8"))?.[1]?.trim();
    if (id) return id;
  }
  return clusterId();
}

function serverProperties(port: number, controllerPort: number, dataDir: string): string {
  const props: Record<string, string | number | boolean> = {
    "process.roles": "broker,controller",
    "node.id": 1,
    "controller.quorum.voters": `1@127.0.0.1:${controllerPort}`,
    listeners: `PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    "advertised.listeners": `PLAINTEXT://127.0.0.1:${port}`,
    "inter.broker.listener.name": "PLAINTEXT",
    "controller.listener.names": "CONTROLLER",
    "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
    "log.dirs": dataDir,
    "num.partitions": 1,
    "default.replication.factor": 1,
    "min.insync.replicas": 1,
    "offsets.topic.replication.factor": 1,
    "offsets.topic.num.partitions": 1, // default 50: makes the first group join slow
    "transaction.state.log.replication.factor": 1,
    "transaction.state.log.min.isr": 1,
    "transaction.state.log.num.partitions": 1,
    "group.initial.rebalance.delay.ms": 0,
    "auto.create.topics.enable": false,
    "delete.topic.enable": true,
    // Small segments and short retention: test data is disposable.
    "log.segment.bytes": 16 * 1024 * 1024,
    "offsets.topic.segment.bytes": 16 * 1024 * 1024,
    "transaction.state.log.segment.bytes": 16 * 1024 * 1024,
    "log.index.size.max.bytes": 1024 * 1024,
    "log.retention.ms": 60 * 60 * 1000,
    "log.retention.bytes": 256 * 1024 * 1024,
    "log.retention.check.interval.ms": 60_000,
    "log.cleaner.dedupe.buffer.size": 8 * 1024 * 1024, // default 128 MB would eat the small heap
    // Two shared cores: few threads.
    "num.network.threads": 2,
    "num.io.threads": 2,
    "background.threads": 2,
    "num.recovery.threads.per.data.dir": 1,
    "num.replica.fetchers": 1,
  };
  return (
    Object.entries(props)
      .map(([k, v]) => `${k}=${v}`)
      .join("\n") + "\n"
  );
}

// Quiet: warnings and errors only, plus the one line saying the server started.
const LOG4J_PROPERTIES = `log4j.rootLogger=WARN, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.server.KafkaRaftServer=INFO
log4j.logger.kafka.Kafka=INFO
`;

// ---------------------------------------------------------------------------------------------
// Broker

/** The broker log's last lines, and its ERROR / "Caused by" lines (the root cause of a failed start). */
function readLog(path: string): { tail: string; causes: string } {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return { tail: "(no broker log)", causes: "" };
  }
  const causes = [
    ...new Set(
      text
        .split("\n")
        .filter((l) => / (ERROR|FATAL) /.test(l) || l.startsWith("Caused by:") || l.startsWith("Exception in thread"))
        .map((l) => l.replace(/^\[[^\]]*\] /, "")),
    ),
  ]
    .slice(-12)
    .join("\n");
  return { tail: tail(text, 25), causes };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts a single-node KRaft Kafka broker and resolves once it serves metadata requests. */
export async function startBroker(opts: StartBrokerOptions = {}): Promise<Broker> {
  // Free ports are picked before the broker binds them; if another process grabbed one in
  // between, try again with new ones.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(opts);
    } catch (err) {
      if (!(err instanceof PortTakenError) || opts.port !== undefined || attempt >= 3) throw err;
    }
  }
}

class PortTakenError extends Error {}

/** Where one broker's files go, and the temp dirs `stop()` removes. */
interface BrokerDirs {
  /** Holds server.properties, log4j.properties and broker.log. */
  readonly workDir: string;
  /** The broker's `log.dirs`. */
  readonly dataDir: string;
  /** The folders made for this broker only (removed on stop or a failed start). */
  readonly tempDirs: string[];
}

/** Makes the work and data folders: the caller's when given, else fresh temp dirs. */
async function prepareDirs(opts: StartBrokerOptions): Promise<BrokerDirs> {
  const tempDirs: string[] = [];
  const workDir = await workDirOf(opts.logDir, "lockstep-kafka-", tempDirs);
  let dataDir: string;
  if (opts.dataDir) {
    dataDir = resolve(opts.dataDir);
  } else if (opts.logDir) {
    // The caller keeps the logs; the data is still throwaway.
    dataDir = await mkdtemp(join(tmpdir(), "lockstep-kafka-data-"));
    tempDirs.push(dataDir);
  } else {
    dataDir = join(workDir, "data");
  }
  await mkdir(dataDir, { recursive: true });
  return { workDir, dataDir, tempDirs };
}

function removeDirsSync(dirs: readonly string[]): void {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}

/** The ports and config files of one start. */
interface BrokerConfig {
  /** The client (PLAINTEXT) port. */
  readonly port: number;
  readonly propsFile: string;
  readonly logFile: string;
  /** The JVM option pointing log4j at its file. */
  readonly log4jOpt: string;
}

/** Picks the ports (the caller's client port if given) and writes server.properties and log4j.properties. */
async function writeConfig(dirs: BrokerDirs, opts: StartBrokerOptions): Promise<BrokerConfig> {
  const [p1, p2] = await freePorts(2);
  const port = opts.port ?? p1;
  const controllerPort = opts.port === undefined ? p2 : opts.port === p1 ? p2 : p1;
  const propsFile = join(dirs.workDir, "server.properties");
  const log4jFile = join(dirs.workDir, "log4j.properties");
  await writeFile(propsFile, serverProperties(port!, controllerPort!, dirs.dataDir));
  await writeFile(log4jFile, LOG4J_PROPERTIES);
  return { port: port!, propsFile, logFile: join(dirs.workDir, "broker.log"), log4jOpt: `-Dlog4j.configuration=file:${log4jFile}` };
}

const kafkaCds = (): CdsPlan => planCds(KAFKA_CACHE_DIR, "kafka", process.env.LOCKSTEP_KAFKA_CDS !== "0");

/** Formats the KRaft storage in `dataDir` (keeping its cluster id when already formatted). */
async function formatStorage(classpath: string, config: BrokerConfig, dataDir: string, cds: CdsPlan): Promise<void> {
  // Static quorum (controller.quorum.voters), so no --standalone (that is for dynamic quorums
  // configured with controller.quorum.bootstrap.servers); --ignore-formatted lets a
  // caller-provided dataDir be reused.
  const fmt = await run("java", [
    ...TOOL_JVM_OPTS,
    ...cds.use,
    config.log4jOpt,
    "-cp",
    classpath,
    "kafka.tools.StorageTool",
    "format",
    "-t",
    clusterIdFor(dataDir),
    "-c",
    config.propsFile,
    "--ignore-formatted",
  ]);
  if (fmt.code !== 0) throw new Error(`Formatting Kafka storage in ${dataDir} failed:\n${tail(fmt.output, 30)}`);
}

type ExitInfo = { code: number | null; signal: NodeJS.Signals | null };

/** A running broker process and what is known of its end. */
interface BrokerProcess {
  readonly child: ChildProcess;
  /** Drops the process from the exit-time reaper (it is killed if this Node process ends first). */
  readonly unreap: () => void;
  /** Settles when the process exits or could not be spawned. */
  readonly ended: Promise<void>;
  /** How it exited, once it has. */
  exitInfo(): ExitInfo | undefined;
  /** Why it could not be spawned, if so. */
  spawnError(): Error | undefined;
}

/** Spawns the broker JVM with its output in broker.log and registers it to be killed with this process. */
function spawnBroker(classpath: string, config: BrokerConfig, cds: CdsPlan, tempDirs: string[]): BrokerProcess {
  const logFd = openSync(config.logFile, "a");
  let child: ChildProcess;
  try {
    child = spawn("java", [...JVM_OPTS, ...cds.use, ...cds.dump, config.log4jOpt, "-cp", classpath, "kafka.Kafka", config.propsFile], {
      stdio: ["ignore", logFd, logFd],
    });
  } finally {
    closeSync(logFd);
  }
  const unreap = reapOnExit([child], tempDirs);
  let exited: ExitInfo | undefined;
  let spawnError: Error | undefined;
  const ended = new Promise<void>((res) => {
    child.once("exit", (code, signal) => {
      exited = { code, signal };
      res();
    });
    child.once("error", (err) => {
      spawnError = err;
      exited ??= { code: null, signal: null };
      res();
    });
  });
  return { child, unreap, ended, exitInfo: () => exited, spawnError: () => spawnError };
}

/**
 * The broker's idempotent stop: SIGTERM (SIGKILL after a timeout), then the
 * class-data archive is published if the broker had been ready, and the temp
 * dirs are removed.
 */
function stopper(proc: BrokerProcess, cds: CdsPlan, tempDirs: readonly string[], wasReady: () => boolean): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  return () =>
    (stopping ??= (async () => {
      if (!proc.exitInfo()) {
        proc.child.kill("SIGTERM");
        const timer = setTimeout(() => proc.child.kill("SIGKILL"), STOP_TIMEOUT_MS);
        await proc.ended;
        clearTimeout(timer);
      }
      proc.unreap();
      publishArchive(cds, wasReady());
      await Promise.all(tempDirs.map((d) => rm(d, { recursive: true, force: true })));
    })());
}

/**
 * The error of a start that did not come up, with the root cause from the
 * broker log; a port taken in between is a `PortTakenError` (retried).
 */
function startFailure(err: unknown, proc: BrokerProcess, config: BrokerConfig, brokers: string, logDir: string | undefined): Error {
  const spawnError = proc.spawnError();
  const why = spawnError ? `could not run java: ${spawnError.message}` : (err as Error).message;
  const log = readLog(config.logFile);
  const where = logDir ? config.logFile : "broker.log";
  const message =
    `Kafka broker on ${brokers} did not come up: ${why}\n` +
    (log.causes ? `--- errors in ${where} ---\n${log.causes}\n` : "") +
    `--- last lines of ${where} ---\n${log.tail}`;
  return /Address already in use/.test(log.causes) ? new PortTakenError(message) : new Error(message);
}

/** One attempt: folders, config, storage, the process, then waiting until it serves metadata. */
async function startOnce(opts: StartBrokerOptions): Promise<Broker> {
  const lib = await ensureKafkaJars();
  const classpath = `${lib}/*`;
  const dirs = await prepareDirs(opts);
  try {
    const config = await writeConfig(dirs, opts);
    const cds = kafkaCds();
    await formatStorage(classpath, config, dirs.dataDir, cds);
    const proc = spawnBroker(classpath, config, cds, dirs.tempDirs);
    let ready = false;
    const stop = stopper(proc, cds, dirs.tempDirs, () => ready);
    const brokers = `127.0.0.1:${config.port}`;
    try {
      await waitReady(brokers, config.port, proc.exitInfo, READY_TIMEOUT_MS);
      ready = true;
    } catch (err) {
      // Read the log before stop() removes a temp work dir.
      const failure = startFailure(err, proc, config, brokers, opts.logDir);
      await stop();
      throw failure;
    }
    const exitedInfo = proc.ended.then(() => {
      const spawnError = proc.spawnError();
      const e = proc.exitInfo();
      return spawnError ? `failed: ${spawnError.message}` : `exited with code ${e?.code}, signal ${e?.signal}`;
    });
    return { brokers, stop, exited: exitedInfo };
  } catch (err) {
    removeDirsSync(dirs.tempDirs);
    throw err;
  }
}

async function waitReady(brokers: string, port: number, exited: () => ExitInfo | undefined, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const check = () => {
    const e = exited();
    if (e) throw new Error(`the broker process exited (code ${e.code}, signal ${e.signal})`);
    if (Date.now() > deadline) throw new Error(`not ready after ${timeoutMs / 1000} s`);
  };
  while (!(await portOpen(port))) {
    check();
    await sleep(100);
  }
  const kafka = new Kafka({
    clientId: "lockstep-broker-probe",
    brokers: [brokers],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 2000,
    requestTimeout: 5000,
    retry: { retries: 0 },
  });
  let lastError: unknown;
  for (;;) {
    check();
    const admin = kafka.admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      if (cluster.brokers.length > 0 && cluster.controller !== null) {
        await admin.listTopics();
        return;
      }
    } catch (err) {
      lastError = err;
    } finally {
      await admin.disconnect().catch(() => {});
    }
    if (Date.now() > deadline && lastError) throw new Error(`not ready: ${(lastError as Error).message}`);
    await sleep(200);
  }
}
