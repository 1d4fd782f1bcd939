/**
 * The runners the parity harness can compare, by name: a small registry so
 * that adding a runner is one entry. Each takes a compiled plan, its
 * registry and a {@link History}, and returns the runner's {@link RunResult}.
 *
 * - `direct`: the DirectRunner (the reference), records in history order;
 * - `direct-reordered`: the DirectRunner fed a different interleaving of the
 *   same records — each source key's records stay in order, different source
 *   keys interleave as Kafka partitions might (docs/semantics.md §2, §8: no
 *   rule depends on that, so nothing may change); tables shuffled;
 * - `direct-lmdb`: the DirectRunner with its state in LMDB
 *   (src/engine/lmdb-state.ts) behind a cache of 8 values, so almost every
 *   write evicts and every value makes the round trip through the store;
 *   its final views are in LMDB too (src/engine/lmdb-final-view.ts), written
 *   out every 8 rows, and read back in LMDB's key order;
 * - `kafka`: the KafkaStreamRunner, bounded run on fresh topics
 *   (`history.partitions` partitions unless fixed), needs brokers;
 * - `kafka-lmdb`: the same with task state in LMDB (runners/kafka/lmdb-changelog-state.ts)
 *   behind a cache of 8 values, so values make the round trip through the store;
 * - `arquero`: the ArqueroBatchRunner (`runArquero`);
 * - `flink`: the FlinkRunner through a SQL Gateway (`FLINK_GATEWAY`, or `lockstep parity
 *   --runners …,flink` starts the local Flink for the session), needs the pipeline module for
 *   executors.
 *
 * {@link mapResult} wraps a runner with a post-processing step: the
 * harness's own tests use it to plant a divergence without touching runner
 * code.
 *
 * @module
 */
import type { OnExecutorError } from "../engine/operator.ts";
import type { RawRecord } from "../engine/topology.ts";
import { recordSourceKey } from "../engine/edge.ts";
import type { Plan } from "../plan/ir.ts";
import type { Registry } from "../registry/registry.ts";
import type { InputSource } from "../run/inputs.ts";
import type { RunResult } from "../run/result.ts";
import { runDirect } from "../../runners/direct/runner.ts";
import { partitionFor } from "../../runners/kafka/murmur2.ts";
import type { History } from "./histories.ts";
import { LockstepError } from "../core/errors.ts";

/** What every run gets besides the history. */
export interface RunContext {
  readonly plan: Plan;
  readonly registry: Registry;
  readonly onExecutorError?: OnExecutorError;
  /** Kafka bootstrap servers (default: `KAFKA_BROKERS`). */
  readonly brokers?: readonly string[];
  /** Kafka: partitions (default: the history's), instances (default 1), guarantee (default exactly-once). */
  readonly kafka?: {
    readonly partitions?: number;
    readonly instances?: number;
    readonly guarantee?: "exactly-once" | "at-least-once";
    readonly timeoutMs?: number;
  };
  /** Flink: the SQL Gateway (default: `FLINK_GATEWAY`) and the modules its executors are bundled from (the pipeline module). */
  readonly flink?: { readonly gateway?: string; readonly modules?: readonly string[] };
}

/** A runner as the harness sees it. */
export interface ParityRunner {
  readonly name: string;
  /** Runs are slow (seconds): the harness limits how long it shrinks. */
  readonly slow?: boolean;
  /** Why it cannot run here (e.g. no broker), or undefined when it can. */
  unavailable?(ctx: Pick<RunContext, "brokers" | "flink">): string | undefined | Promise<string | undefined>;
  run(history: History, ctx: RunContext): Promise<RunResult>;
}

/** The inputs of a history as the runners' `inputs` option: in-memory values, offsets 1, 2, … per input. */
export const inputsOfHistory = (h: History): Record<string, InputSource> => ({ ...h.inputs });

const direct: ParityRunner = {
  name: "direct",
  async run(h, ctx) {
    return runDirect(ctx.plan, { inputs: inputsOfHistory(h), registry: ctx.registry, onExecutorError: ctx.onExecutorError ?? "fail" });
  },
};

const directLmdb: ParityRunner = {
  name: "direct-lmdb",
  async run(h, ctx) {
    return runDirect(ctx.plan, {
      inputs: inputsOfHistory(h),
      registry: ctx.registry,
      onExecutorError: ctx.onExecutorError ?? "fail",
      state: { lmdb: { cacheEntries: 8 } },
    });
  },
};

/** mulberry32: a small seeded generator, so a reordering is reproducible from the history. */
const prng = (seed: number) => {
  let a = seed >>> 0;
  return (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

/**
 * Another arrival order with the same per-source-key order: records are
 * spread over `partitions` queues by source key (as Kafka would), and the
 * queues are drained in random runs. Tables are shuffled (lookups do not
 * depend on table order). Offsets stay the records' positions in the
 * history, as a file or a Kafka header would carry them.
 */
export const reorder = (plan: Plan, h: History, seed = h.interleave): Record<string, Iterable<RawRecord>> => {
  const rnd = prng(seed);
  const out: Record<string, Iterable<RawRecord>> = {};
  for (const n of plan.nodes) {
    if (n.op !== "source" && n.op !== "table") continue;
    const records: RawRecord[] = (h.inputs[n.id] ?? []).map((value, i) => ({ offset: i + 1, value }));
    let order: RawRecord[];
    if (n.op === "table") {
      order = [...records];
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(rnd() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
    } else {
      const parts = Math.max(2, h.partitions);
      const queues: RawRecord[][] = Array.from({ length: parts }, () => []);
      // Unkeyed records (no source key, or not objects) share one queue; keyed ones follow their key.
      for (const r of records) {
        const k = recordSourceKey(n, r.value); // the key Kafka produces the record with
        queues[k === null ? 0 : partitionFor(k, parts)]!.push(r);
      }
      order = [];
      for (;;) {
        const live = queues.filter((q) => q.length > 0);
        if (live.length === 0) break;
        const q = live[Math.floor(rnd() * live.length)]!;
        for (let run = 1 + Math.floor(rnd() * 3); run > 0 && q.length > 0; run--) order.push(q.shift()!);
      }
    }
    // Not an array: the runners read arrays as plain values (offsets 1, 2, …); these carry their own.
    out[n.id] = { [Symbol.iterator]: () => order[Symbol.iterator]() };
  }
  return out;
};

const directReordered: ParityRunner = {
  name: "direct-reordered",
  async run(h, ctx) {
    return runDirect(ctx.plan, { inputs: reorder(ctx.plan, h), registry: ctx.registry, onExecutorError: ctx.onExecutorError ?? "fail" });
  },
};

const brokersOf = (ctx: Pick<RunContext, "brokers">): string[] | undefined => {
  if (ctx.brokers && ctx.brokers.length > 0) return [...ctx.brokers];
  const env = process.env.KAFKA_BROKERS;
  return env
    ? env
        .split(",")
        .map((b) => b.trim())
        .filter(Boolean)
    : undefined;
};

/** A bounded Kafka run of `h` (`state`: where task state lives). */
const kafkaRun = (name: string, state: "memory" | { lmdb: { cacheEntries: number } }): ParityRunner => ({
  name,
  slow: true,
  unavailable: (ctx) => (brokersOf(ctx) ? undefined : `the ${name} runner needs a broker: pass brokers (--brokers) or set KAFKA_BROKERS`),
  async run(h, ctx) {
    const brokers = brokersOf(ctx);
    if (!brokers) throw new Error(`the ${name} runner needs a broker: pass brokers or set KAFKA_BROKERS`);
    const { runKafka } = await import("../../runners/kafka/bounded.ts");
    return runKafka(ctx.plan, {
      inputs: inputsOfHistory(h),
      brokers,
      registry: ctx.registry,
      onExecutorError: ctx.onExecutorError ?? "fail",
      partitions: ctx.kafka?.partitions ?? h.partitions,
      instances: ctx.kafka?.instances ?? 1,
      guarantee: ctx.kafka?.guarantee ?? "exactly-once",
      timeoutMs: ctx.kafka?.timeoutMs ?? 120_000,
      state,
    });
  },
});

const kafka = kafkaRun("kafka", "memory");
const kafkaLmdb = kafkaRun("kafka-lmdb", { lmdb: { cacheEntries: 8 } });

const arquero: ParityRunner = {
  name: "arquero",
  async run(h, ctx) {
    const { runArquero } = await import("../../runners/arquero/index.ts");
    // Its log lines (fallbacks to row-at-a-time steps) are about speed, not results: not shown.
    return runArquero(ctx.plan, {
      inputs: inputsOfHistory(h),
      registry: ctx.registry,
      onExecutorError: ctx.onExecutorError ?? "fail",
      log: () => {},
      progress: false,
    });
  },
};

/** The SQL Gateway a Flink run uses. */
const gatewayOf = (ctx: Pick<RunContext, "flink">): string | undefined => ctx.flink?.gateway ?? process.env.FLINK_GATEWAY;

/**
 * The FlinkRunner (`runFlink`) through a SQL Gateway; each run is a Flink job (seconds). A
 * definition outside the Flink slice fails every run with the stage and the reason.
 */
const flink: ParityRunner = {
  name: "flink",
  slow: true,
  unavailable: (ctx) =>
    gatewayOf(ctx)
      ? undefined
      : "the flink runner needs a SQL Gateway: pass --gateway or set FLINK_GATEWAY (`npx tsx scripts/flink/start.ts --graaljs` starts one)",
  async run(h, ctx) {
    const gateway = gatewayOf(ctx);
    if (!gateway) throw new Error("the flink runner needs a SQL Gateway: pass the gateway or set FLINK_GATEWAY");
    const { runFlink } = await import("../../runners/flink/runner.ts");
    return runFlink(ctx.plan, {
      inputs: inputsOfHistory(h),
      registry: ctx.registry,
      onExecutorError: ctx.onExecutorError ?? "fail",
      gateway,
      modules: ctx.flink?.modules ?? [],
      log: () => {},
    });
  },
};

/** The runners known by name. Add one here (or with {@link registerRunner}) to make it available everywhere. */
const RUNNERS = new Map<string, ParityRunner>([
  ["direct", direct],
  ["direct-reordered", directReordered],
  ["direct-lmdb", directLmdb],
  ["kafka", kafka],
  ["kafka-lmdb", kafkaLmdb],
  ["arquero", arquero],
  ["flink", flink],
]);

/** Makes a runner available by name to `checkParity`, the matcher and the CLI. */
export const registerRunner = (runner: ParityRunner): void => void RUNNERS.set(runner.name, runner);

/** The names of the known runners. */
export const runnerNames = (): string[] => [...RUNNERS.keys()];

/** A runner by name or as given; throws a usage-style error naming the known ones. */
export const runnerOf = (r: string | ParityRunner): ParityRunner => {
  if (typeof r !== "string") return r;
  const found = RUNNERS.get(r);
  if (!found) throw new UnknownRunnerError(`unknown runner "${r}". Fix: use one of ${runnerNames().join(", ")}`);
  return found;
};

/** An unknown runner name. */
export class UnknownRunnerError extends LockstepError {
  override readonly name = "UnknownRunnerError";
  readonly code = "LOCKSTEP_UNKNOWN_RUNNER";
}

/**
 * A runner whose results go through `f` — e.g. to plant a deliberate bug and
 * check that the harness catches and shrinks it.
 */
export const mapResult = (base: string | ParityRunner, name: string, f: (r: RunResult, h: History) => RunResult): ParityRunner => {
  const b = runnerOf(base);
  return {
    name,
    ...(b.slow ? { slow: true } : {}),
    ...(b.unavailable ? { unavailable: (ctx: Pick<RunContext, "brokers">) => b.unavailable!(ctx) } : {}),
    run: async (h, ctx) => f(await b.run(h, ctx), h),
  };
};
