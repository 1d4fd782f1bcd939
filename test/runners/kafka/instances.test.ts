/**
 * Two runner instances in one consumer group give the same result as one (and
 * as the DirectRunner): the second instance joins while the first is already
 * working, so partitions — and the tasks on them, with their changelog state
 * and end-of-input markers — move between instances mid-run.
 */
import { describe, expect, it } from "vitest";
import type { Pipeline } from "../../../src/plan/graph.ts";
import { runDirect } from "../../../runners/direct/index.ts";
import { layoutOf, runKafka } from "../../../runners/kafka/index.ts";
import { prefixedNames } from "../../../runners/kafka/layout.ts";
import { compile } from "../../../src/plan/compile.ts";
import userSequences from "../../../examples/user-sequences.ts";
import windowCount from "../../../examples/window-count.ts";
import wordcount from "../../../examples/wordcount.ts";
import { brokers, engagement, expectParity, jsonl, keyedEvents, lines } from "./helpers.ts";

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
  expect([...last.values()].flat().sort(), `${name}: the partitions are split`).toEqual([0, 1, 2]);
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
