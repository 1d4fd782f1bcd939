/**
 * Shared parts of the fault suite: runner processes (test/faults/runner-process.ts) started,
 * killed and stopped by the tests; committed-offset progress; the two scenarios the suite
 * runs under faults (window-count and user-sequences, 3 partitions) with their DirectRunner
 * result; the exactly-once checks.
 *
 * @module
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, expect } from "vitest";
import { canonicalJson } from "../../src/core/canonical.ts";
import type { Pipeline } from "../../src/plan/graph.ts";
import type { RunResult } from "../../src/run/result.ts";
import { runDirect } from "../../runners/direct/index.ts";
import type { KafkaClient } from "../../runners/kafka/client.ts";
import userSequences from "../../examples/user-sequences.ts";
import windowCount from "../../examples/window-count.ts";
import { appTopics, bag, brokers, engagement, jsonl, keyedEvents, produce, repo, stageOf, waitUntil } from "../runners/kafka/helpers.ts";

/** Fault-suite sizes: the fast subset of `npm test` by default; `npm run test:faults` sets the full size. */
export const FAULT_KILLS = Number(process.env.FAULT_KILLS ?? 3);
export const FAULT_EVENTS = Number(process.env.FAULT_EVENTS ?? 3000);
export const FAULT_SEED = Number(process.env.FAULT_SEED ?? 1313);
/**
 * `FAULT_STATE=lmdb` runs every runner process with task state on disk (runners/kafka/local-store.ts):
 * each live process of an application gets a state directory of its own (a slot), and a process
 * started after one exited takes the lowest free slot — its predecessor's stores and checkpoints.
 */
export const FAULT_STATE = process.env.FAULT_STATE ?? "memory";
const stateRoot = FAULT_STATE === "lmdb" ? mkdtempSync(join(tmpdir(), "lockstep-fault-state-")) : undefined;
const slots = new Map<string, Set<number>>();
afterAll(() => {
  if (stateRoot) rmSync(stateRoot, { recursive: true, force: true });
});
/** The scenarios a fault test runs: the comma-separated names in env var `name`, by default every scenario. */
export const faultPipelines = (name: string): string[] => (process.env[name] ?? "window-count,user-sequences").split(",");

/** An application: consumer group and topic prefix. */
export interface App {
  readonly appId: string;
  readonly topicPrefix: string;
}

/** A runner process started by {@link startRunner}. */
export interface RunnerProcess {
  readonly child: ChildProcess;
  /** Settles when the process has exited, however. */
  readonly exited: Promise<void>;
  /** Its structured log lines so far (JSON objects printed on stdout). */
  readonly logs: Record<string, unknown>[];
  /** An error when the process exited on its own (a fatal error), else undefined. */
  error(): Error | undefined;
  /** What it wrote on stderr so far. */
  stderr(): string;
}

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
});

/**
 * Starts test/faults/runner-process.ts for `example` (a file of examples/, or a path under the
 * repository) as `app` and resolves once it has joined its group. `env` is added to its environment;
 * `idleMs` sets the runner's idle firing (0: off, so a stalled input — a restart, a stopped broker —
 * fires no extra panes and the pane count stays the DirectRunner's).
 */
export const startRunner = async (
  app: App,
  example: string,
  params: Readonly<Record<string, string>> = {},
  opts: { brokers?: readonly string[]; env?: Readonly<Record<string, string>>; startTimeoutMs?: number; idleMs?: number } = {},
): Promise<RunnerProcess> => {
  let slot: { used: Set<number>; n: number } | undefined;
  if (stateRoot && opts.env?.FAULT_STATE_DIR === undefined) {
    const used = slots.get(app.appId) ?? new Set<number>();
    slots.set(app.appId, used);
    let n = 0;
    while (used.has(n)) n++;
    used.add(n);
    slot = { used, n };
  }
  const stateEnv = slot ? { FAULT_STATE_DIR: join(stateRoot!, app.appId, `slot-${slot.n}`) } : {};
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      repo("test/faults/runner-process.ts"),
      (opts.brokers ?? brokers()).join(","),
      app.appId,
      app.topicPrefix,
      example,
      JSON.stringify(params),
    ],
    {
      cwd: repo("."),
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ...stateEnv, ...opts.env, ...(opts.idleMs !== undefined ? { FAULT_IDLE_MS: String(opts.idleMs) } : {}) },
    },
  );
  children.push(child);
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr += String(d)));
  const logs: Record<string, unknown>[] = [];
  createInterface({ input: child.stdout! }).on("line", (l) => {
    try {
      logs.push(JSON.parse(l) as Record<string, unknown>);
    } catch {
      // not a log line
    }
  });
  const exited = new Promise<void>((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once("exit", () => r())));
  void exited.then(() => slot?.used.delete(slot.n));
  const run: RunnerProcess = {
    child,
    exited,
    logs,
    stderr: () => stderr,
    error: () => (child.exitCode !== null ? new Error(`runner process exited ${child.exitCode}: ${stderr}`) : undefined),
  };
  await waitUntil("the runner process started", () => logs.some((l) => l.event === "started") || child.exitCode !== null, opts.startTimeoutMs ?? 120_000);
  expect(child.exitCode, stderr).toBeNull();
  return run;
};

/** SIGKILLs a runner process and waits until it is gone. */
export const kill = async (run: RunnerProcess): Promise<void> => {
  run.child.kill("SIGKILL");
  await run.exited;
  expect(run.child.signalCode).toBe("SIGKILL");
};

/** SIGTERMs a runner process (a graceful stop: commit, leave the group) and expects exit code 0. */
export const terminate = async (run: RunnerProcess): Promise<void> => {
  run.child.kill("SIGTERM");
  await run.exited;
  expect(run.child.exitCode, run.stderr()).toBe(0);
};

/** Records of `topic` the group has committed (sum of committed offsets over partitions). */
export const committedCount = async (client: KafkaClient, group: string, topic: string): Promise<number> =>
  (await client.committedOffsets(group, topic)).reduce((a, b) => a + Math.max(b, 0), 0);

/** Waits until the group has committed every record of `topic` up to its end. */
export const waitAllCommitted = async (client: KafkaClient, group: string, topic: string, runners: readonly RunnerProcess[], timeoutMs = 300_000) => {
  await waitUntil(
    `${group} committed all of ${topic}`,
    async () => {
      for (const r of runners) if (r.error()) throw r.error();
      const [ends, committed] = await Promise.all([client.endOffsets(topic), client.committedOffsets(group, topic)]);
      return ends.every((e, p) => e === 0 || (committed[p] ?? -1) >= e);
    },
    timeoutMs,
  );
};

/** A pipeline run under faults: its inputs, the DirectRunner's result, and what the Kafka run must show. */
export interface Scenario {
  readonly name: string;
  readonly pipeline: Pipeline<any>;
  /** The file of examples/ runner-process.ts loads. */
  readonly example: string;
  readonly params: Readonly<Record<string, string>>;
  /** The streamed source: its name, rows (objects as JSON, strings raw) and source-key fields. */
  readonly source: { readonly name: string; readonly rows: readonly (object | string)[]; readonly key: readonly string[] };
  readonly sink: string;
  /** The DirectRunner's result on the same records. */
  readonly direct: RunResult;
  /** The final view the sink topic must converge to (unbounded: what the run can have emitted). */
  readonly expected: readonly unknown[];
  /**
   * Sink records a run that processed everything exactly once has committed, when the pipeline
   * fixes that number (one per pane); undefined when panes follow commit batches (sequence).
   */
  readonly panes: number | undefined;
  /** Creates and fills what must exist before a runner starts (tables). */
  setup(client: KafkaClient, app: App): Promise<void>;
}

/** Topic names of `app`'s run of `s`, for cleanup. */
export const scenarioTopics = (s: Scenario, app: App): string[] => [...appTopics(s.pipeline, app, s.params), `${app.topicPrefix}items`];

/**
 * window-count, fixed 10 s windows, 2 s lateness: seeded keyed events (out of order, late,
 * duplicates, malformed), then a record per key far in the future that closes every real
 * window on its key's clock (those far windows never close in an unbounded run).
 */
export const windowCountScenario = async (seed: number, events: number): Promise<Scenario> => {
  const params = { window: "fixed:10s", lateness: "2s" };
  const FAR = 1e12;
  const rows = [...keyedEvents(seed, events), ...["a", "b", "c", "d", "e"].map((key) => ({ key, ts: FAR }))];
  const direct = await runDirect(windowCount, { inputs: { events: jsonl("events", rows) }, params });
  return {
    name: "window-count",
    pipeline: windowCount,
    example: "window-count",
    params,
    source: { name: "events", rows, key: ["key"] },
    sink: "counts",
    direct,
    expected: (direct.outputs.counts as { windowStart: number }[]).filter((r) => r.windowStart < FAR),
    panes: direct.metrics[stageOf(windowCount, "combine", params)]!.panes - 5,
    setup: async () => {},
  };
};

/**
 * user-sequences (dispatch with an executor, dedupe by event id, point-in-time lookup in the
 * items table, the latest 50 per user over a repartition): seeded engagement events with
 * duplicated ids, out-of-order times and malformed records; the items table is in place before
 * the first runner starts (tables are read at start).
 */
export const userSequencesScenario = async (seed: number, events: number): Promise<Scenario> => {
  const data = engagement(seed, events);
  const direct = await runDirect(userSequences, { inputs: { events: jsonl("events", data.events), items: jsonl("items", data.items) } });
  return {
    name: "user-sequences",
    pipeline: userSequences,
    example: "user-sequences",
    params: {},
    source: { name: "events", rows: data.events, key: ["userId"] },
    sink: "sequences",
    direct,
    expected: direct.outputs.sequences!,
    panes: undefined,
    setup: async (client, app) => {
      await client.createTopics([{ topic: `${app.topicPrefix}items`, partitions: 1, compacted: true }]);
      // Versions keyed by their whole content: a compacted topic keyed by item would lose older versions.
      await produce(client, `${app.topicPrefix}items`, 1, data.items, (row) => (typeof row === "string" ? row : canonicalJson(row)));
    },
  };
};

/** The scenarios by name (FAULT_PIPELINES picks some: "window-count,user-sequences"). */
export const SCENARIOS: Record<string, (seed: number, events: number) => Promise<Scenario>> = {
  "window-count": windowCountScenario,
  "user-sequences": userSequencesScenario,
};

/** Produces rows of the scenario's source into `app`'s source topic (3 partitions, keyed as a bounded run keys them). */
export const produceRows = (client: KafkaClient, s: Scenario, app: App, rows: readonly (object | string)[]): Promise<void> =>
  produce(client, `${app.topicPrefix}${s.source.name}`, 3, rows, s.source.key);

/** What a finished run shows, for the figures line. */
export interface Outcome {
  readonly committed: number;
  readonly deadLetters: number;
}

/** A dead letter without its position (a line in a file for Direct, a partition and its offset for a streaming run). */
export const deadLetterFacts = (d: Readonly<Record<string, unknown>>): Record<string, unknown> => {
  const { offset: _offset, partition: _partition, ...rest } = d;
  return rest;
};

/** The dead letters `app` committed, parsed. */
export const committedDeadLetters = async (client: KafkaClient, app: App): Promise<Record<string, unknown>[]> =>
  (await client.readAll(`${app.appId}.dead-letters`)).map((m) => JSON.parse(m.value!) as Record<string, unknown>);

/**
 * Exactly once, after the view converged: one committed sink record per pane (when the
 * pipeline fixes the count) and the DirectRunner's dead letters, each once (as a multiset, offsets aside).
 */
export const expectExactlyOnce = async (client: KafkaClient, s: Scenario, app: App): Promise<Outcome> => {
  const committed = await client.readAll(`${app.topicPrefix}${s.sink}`);
  if (s.panes !== undefined) {
    // Records committed more than once (same key and value), named in the failure message.
    const seen = new Map<string, number>();
    for (const m of committed) seen.set(`${m.key} ${m.value}`, (seen.get(`${m.key} ${m.value}`) ?? 0) + 1);
    const twice = [...seen].filter(([, n]) => n > 1).map(([r, n]) => `${n}× ${r} (partition ${committed.find((m) => `${m.key} ${m.value}` === r)?.partition})`);
    expect(committed.length, `${s.name}: one committed sink record per pane; committed more than once: ${twice.slice(0, 20).join("; ")}`).toBe(s.panes);
  }
  const dead = await committedDeadLetters(client, app);
  expect(bag(dead.map(deadLetterFacts)), `${s.name}: the DirectRunner's dead letters, each once`).toEqual(
    bag(s.direct.deadLetters.map((d) => deadLetterFacts(d as unknown as Record<string, unknown>))),
  );
  return { committed: committed.length, deadLetters: dead.length };
};
