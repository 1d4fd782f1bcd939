/**
 * One timed run of one Nexmark query (examples/nexmark) on one runner, for bench/nexmark-queries.ts:
 * the DirectRunner and the ArqueroBatchRunner read the JSONL file; the KafkaStreamRunner (a bounded
 * `runKafka`) reads a topic the file was produced into, and is timed from the end of producing to the
 * moment every task has reached end of input (all windows fired, outputs final) — producing the input
 * and reading the sink back are not its work. Besides wall and CPU time of that span it returns a
 * digest of the final view (outputs, dead letters and late elements, canonical, as parity compares
 * them), so runs can be checked for agreement without shipping the rows between processes.
 *
 * As a process (what the harness spawns, one per run, so CPU and peak RSS are the run's own):
 *
 *   npx tsx bench/nexmark-query.ts <runner> <query> <events.jsonl> <result.json> [brokers]
 *
 * @module
 */
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { runArquero } from "../runners/arquero/index.ts";
import { runDirect } from "../runners/direct/index.ts";
import { KafkajsClient, runKafka } from "../runners/kafka/index.ts";
import type { KafkaClient } from "../runners/kafka/index.ts";
import { canonicalJson, compareStrings } from "../src/core/canonical.ts";
import type { Pipeline } from "../src/plan/graph.ts";
import type { RunResult } from "../src/run/result.ts";
import q0 from "../examples/nexmark/q0.ts";
import q1 from "../examples/nexmark/q1.ts";
import q2 from "../examples/nexmark/q2.ts";
import q3 from "../examples/nexmark/q3.ts";
import q4 from "../examples/nexmark/q4.ts";
import q5 from "../examples/nexmark/q5.ts";
import q6 from "../examples/nexmark/q6.ts";
import q7 from "../examples/nexmark/q7.ts";
import q8 from "../examples/nexmark/q8.ts";
import q9 from "../examples/nexmark/q9.ts";
import q11 from "../examples/nexmark/q11.ts";

/** The queries, by name, in the order the table lists them. */
export const QUERIES: Readonly<Record<string, Pipeline<any>>> = { q0, q1, q2, q3, q4, q5, q6, q7, q8, q9, q11 };

/** The runners the harness measures. */
export const RUNNERS = ["direct", "arquero", "kafka"] as const;
/** One of {@link RUNNERS}. */
export type RunnerName = (typeof RUNNERS)[number];

/** What one run measured. */
export interface QueryRun {
  readonly runner: RunnerName;
  readonly query: string;
  /** Wall time of the timed span, seconds. */
  readonly wallS: number;
  /** User + system CPU of this process (all its threads) over the timed span, seconds. */
  readonly cpuS: number;
  /** Rows in the final view of the sink `out`. */
  readonly outputRows: number;
  /** SHA-256 of the final views, dead letters and late elements (see {@link digestOf}). */
  readonly digest: string;
}

/**
 * The digest two runs must share to agree: every sink's final view as canonical JSON lines in order
 * (the rows of its output file), dead letters and late elements as sorted bags — what parity is
 * judged on (docs/semantics.md §14).
 */
export const digestOf = (r: Pick<RunResult, "outputs" | "deadLetters" | "late">): string => {
  const h = createHash("sha256");
  for (const sink of Object.keys(r.outputs).sort(compareStrings)) {
    h.update(`sink ${sink}\n`);
    for (const row of r.outputs[sink]!) h.update(`${canonicalJson(row)}\n`);
  }
  const bag = (xs: readonly unknown[]) => xs.map((x) => canonicalJson(x)).sort(compareStrings);
  h.update("dead letters\n");
  for (const line of bag(r.deadLetters)) h.update(`${line}\n`);
  h.update("late\n");
  for (const line of bag(r.late)) h.update(`${line}\n`);
  return h.digest("hex");
};

const cpuSeconds = (u: NodeJS.CpuUsage): number => (u.user + u.system) / 1e6;

/** A point in time and CPU. */
interface Mark {
  readonly wall: number;
  readonly cpu: NodeJS.CpuUsage;
}
const mark = (): Mark => ({ wall: performance.now(), cpu: process.cpuUsage() });

/**
 * The Kafka client runKafka uses, watched: its first `endOffsets` call is the end of producing the
 * input (runKafka asks for the source's end offsets right after producing, before any task starts),
 * and its first read of the sink topic comes once every task has reached end of input and stopped.
 * Watching the client keeps the runner's code untouched.
 */
const watchedClient = (inner: KafkaClient, sinkTopic: string, marks: { start?: Mark; end?: Mark }): KafkaClient =>
  new Proxy(inner, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver);
      if (typeof v !== "function") return v;
      if (prop === "endOffsets")
        return (...args: unknown[]) => {
          marks.start ??= mark();
          return v.apply(target, args);
        };
      if (prop === "readAll")
        return (topic: string, ...rest: unknown[]) => {
          if (topic === sinkTopic) marks.end ??= mark();
          return v.apply(target, [topic, ...rest]);
        };
      return v.bind(target);
    },
  });

/** Runs `query` on `runner` over the JSONL file `file` (Kafka: on the broker `brokers`, 3 partitions). */
export const timeQuery = async (runner: RunnerName, query: string, file: string, brokers?: readonly string[]): Promise<QueryRun> => {
  const pipeline = QUERIES[query];
  if (!pipeline) throw new Error(`unknown query ${query} (one of ${Object.keys(QUERIES).join(", ")})`);
  let result: RunResult;
  let start: Mark;
  let end: Mark;
  if (runner === "kafka") {
    if (!brokers?.length) throw new Error("the Kafka runner needs brokers");
    const appId = `bench-nexmark-${query}-${process.pid}-${Date.now().toString(36)}`;
    const inner = new KafkajsClient(brokers);
    const marks: { start?: Mark; end?: Mark } = {};
    try {
      result = await runKafka(pipeline, { inputs: { events: file }, brokers, partitions: 3, appId, client: watchedClient(inner, `${appId}.out`, marks) });
    } finally {
      await inner.close();
    }
    if (!marks.start || !marks.end) throw new Error("the Kafka run's timed span was not seen (runKafka no longer calls endOffsets / readAll as expected)");
    start = marks.start;
    end = marks.end;
  } else {
    start = mark();
    result =
      runner === "direct" ? await runDirect(pipeline, { inputs: { events: file } }) : await runArquero(pipeline, { inputs: { events: file }, progress: false });
    end = mark();
  }
  return {
    runner,
    query,
    wallS: (end.wall - start.wall) / 1000,
    cpuS: cpuSeconds(end.cpu) - cpuSeconds(start.cpu),
    outputRows: result.outputs.out?.length ?? 0,
    digest: digestOf(result),
  };
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const [runner, query, file, out, brokers] = process.argv.slice(2);
  if (!runner || !query || !file || !out || !(RUNNERS as readonly string[]).includes(runner)) {
    console.error("usage: npx tsx bench/nexmark-query.ts <direct|arquero|kafka> <query> <events.jsonl> <result.json> [brokers]");
    process.exit(2);
  }
  const run = await timeQuery(runner as RunnerName, query, file, brokers?.split(","));
  writeFileSync(out, JSON.stringify(run));
  // kafkajs may leave timers behind; the result is written.
  process.exit(0);
}
