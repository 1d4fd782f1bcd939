/**
 * Two runner instances in one consumer group give the same result as one (and
 * as the DirectRunner): bounded runs with two instances, and an unbounded
 * application that a second instance joins mid-stream and the first then
 * leaves, so partitions — and the tasks on them, with their changelog state —
 * move between instances while records flow.
 */
import { describe, expect, it } from "vitest";
import type { Pipeline } from "../../../src/plan/graph.ts";
import { runDirect } from "../../../runners/direct/index.ts";
import { KafkaStreamRunner, layoutOf, runKafka } from "../../../runners/kafka/index.ts";
import { prefixedNames } from "../../../runners/kafka/layout.ts";
import { compile } from "../../../src/plan/compile.ts";
import userSequences from "../../../examples/user-sequences.ts";
import windowCount from "../../../examples/window-count.ts";
import wordcount from "../../../examples/wordcount.ts";
import {
  appTopics,
  brokers,
  engagement,
  expectParity,
  freshApp,
  jsonl,
  kafkaForTests,
  keyedEvents,
  lines,
  produce,
  readings,
  runningTotals,
  sinkView,
  stageOf,
  waitForView,
  waitUntil,
} from "./helpers.ts";

const twoInstances = async (name: string, pipeline: Pipeline<any>, inputs: Record<string, string>, params: Record<string, string> = {}) => {
  const events: Record<string, unknown>[] = [];
  const direct = await runDirect(pipeline, { inputs, params });
  const one = await runKafka(pipeline, { inputs, params, brokers: brokers(), partitions: 3, instances: 1 });
  const two = await runKafka(pipeline, { inputs, params, brokers: brokers(), partitions: 3, instances: 2, log: (e) => events.push(e) });
  expectParity(one, direct, `${name}, one instance`);
  expectParity(two, direct, `${name}, two instances`);
  // Both instances were given work: the last assignment of each is non-empty, and together they own every partition.
  const last = new Map<unknown, number[]>();
  for (const e of events) if (e.event === "assigned") last.set(e.instance, e.partitions as number[]);
  expect([...last.keys()].sort(), `${name}: both instances were assigned partitions`).toEqual([0, 1]);
  for (const [i, parts] of last) expect(parts.length, `${name}: instance ${String(i)} owns partitions`).toBeGreaterThan(0);
  // Together they cover every partition. (A member's last logged assignment can predate a final rebalance as it
  // leaves, so one partition may appear under both; correctness is the parity checked above.)
  expect([...new Set([...last.values()].flat())].sort(), `${name}: the partitions are split`).toEqual([0, 1, 2]);
  // Every task ended exactly once in the two-instance run.
  const ended = events.filter((e) => e.event === "task ended").map((e) => e.task);
  expect(new Set(ended).size, `${name}: tasks ended once`).toBe(ended.length);
  return events;
};

describe("two instances in one group = one instance = DirectRunner", () => {
  it("layouts: wordcount repartitions (an unkeyed source re-keyed by word), window-count does not", () => {
    const subs = (p: Pipeline<any>) => layoutOf(compile(p), "app", 3, prefixedNames("", "app")).subTopologies;
    expect(subs(wordcount).map((s) => s.inputs.map((i) => i.kind))).toEqual([["source"], ["repartition"]]);
    expect(subs(windowCount).map((s) => s.inputs.map((i) => i.kind))).toEqual([["source"]]);
  });

  it("with a repartition: wordcount", async () => {
    await twoInstances("wordcount", wordcount, { lines: jsonl("lines", lines(21, 3000)) });
  });

  it("without a repartition: window-count (sliding windows; keyed source = stage key)", async () => {
    await twoInstances("window-count", windowCount, { events: jsonl("keyed", keyedEvents(23, 3000)) }, { window: "sliding:30s/10s", lateness: "2s" });
  });

  it("user-sequences: dedupe, point-in-time lookup, an executor and a sequence", async () => {
    const { events, items } = engagement(29, 3000);
    await twoInstances("user-sequences", userSequences, { events: jsonl("events", events), items: jsonl("items", items) });
  });
});

describe("an unbounded application scaled out and back in while records flow", () => {
  const { client, topics } = kafkaForTests();

  it("running totals: a second instance joins mid-stream, then the first leaves; exactly once throughout", async () => {
    const app = freshApp("scale");
    topics.push(...appTopics(runningTotals, app));
    const rows = readings(31, 3000);
    const direct = await runDirect(runningTotals, { inputs: { readings: jsonl("all", rows) } });
    const source = `${app.topicPrefix}readings`;
    const sink = `${app.topicPrefix}totals`;
    const logs: Record<string, unknown>[] = [];
    const runner = (name: string) => new KafkaStreamRunner({ brokers: brokers(), ...app, log: (e) => logs.push({ runner: name, ...e }) });

    const a = runner("a");
    await a.start(runningTotals);
    await produce(client, source, 3, rows.slice(0, 1000), ["device"]);
    await waitUntil("the first instance has output", async () => (await sinkView(client, sink)).length > 0);
    // The second joins while the first is still busy with the first third.
    const b = runner("b");
    await b.start(runningTotals);
    try {
      await produce(client, source, 3, rows.slice(1000, 2000), ["device"]);
      await waitUntil("both instances own partitions", () => {
        const last = new Map<unknown, number[]>();
        for (const e of logs) if (e.event === "assigned") last.set(e.runner, e.partitions as number[]);
        return (last.get("a")?.length ?? 0) > 0 && (last.get("b")?.length ?? 0) > 0;
      });
      // The first leaves (gracefully) while the last third arrives: the second takes everything over.
      const leaving = a.stop();
      await produce(client, source, 3, rows.slice(2000), ["device"]);
      await leaving;
      await waitForView(client, sink, direct.outputs.totals!, { runners: [b] });
    } finally {
      await a.stop();
      await b.stop();
    }
    const lastOfB = logs.filter((e) => e.runner === "b" && e.event === "assigned").pop();
    expect(lastOfB?.partitions).toEqual([0, 1, 2]);
    // Tasks moved: b started tasks that a had committed progress for.
    expect(logs.some((e) => e.runner === "b" && e.event === "task started" && e.resumedAt !== undefined)).toBe(true);
    expect((await client.readAll(sink)).length, "one committed record per pane").toBe(direct.metrics[stageOf(runningTotals, "combine")]!.panes);
  });
});
