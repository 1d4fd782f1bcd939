/**
 * Every example on the KafkaStreamRunner (bounded runs, 3 partitions, real
 * broker) gives exactly the DirectRunner's final views, and the same dead
 * letters and late elements (as multisets) — on the bundled sample data and on
 * generated inputs with out-of-order, late, duplicated and malformed records.
 */
import { describe, expect, it } from "vitest";
import type { Pipeline } from "../../../src/plan/graph.ts";
import { runDirect } from "../../../runners/direct/index.ts";
import { runKafka } from "../../../runners/kafka/index.ts";
import sessions from "../../../examples/sessions.ts";
import userSequences from "../../../examples/user-sequences.ts";
import windowCount from "../../../examples/window-count.ts";
import wordcount from "../../../examples/wordcount.ts";
import { compile } from "../../../src/plan/compile.ts";
import { layoutOf } from "../../../runners/kafka/index.ts";
import { prefixedNames } from "../../../runners/kafka/layout.ts";
import { adEvents, brokers, clickJoin, clicks, engagement, expectParity, jsonl, keyedEvents, lines, repo } from "./helpers.ts";

type Case = {
  name: string;
  pipeline: Pipeline<any>;
  inputs: Record<string, string>;
  params?: Record<string, string>;
  /** The input is rich enough to exercise these (checked on the DirectRunner's result). */
  expects?: { late?: boolean; deadLetters?: boolean };
};

const check = async (c: Case) => {
  const params = c.params ?? {};
  const direct = await runDirect(c.pipeline, { inputs: c.inputs, params });
  const kafka = await runKafka(c.pipeline, { inputs: c.inputs, params, brokers: brokers(), partitions: 3 });
  expectParity(kafka, direct, c.name);
  expect(
    Object.values(direct.outputs).every((rows) => rows.length > 0),
    `${c.name}: non-empty outputs`,
  ).toBe(true);
  if (c.expects?.late) expect(direct.late.length, `${c.name}: has late elements`).toBeGreaterThan(0);
  if (c.expects?.deadLetters) expect(direct.deadLetters.length, `${c.name}: has dead letters`).toBeGreaterThan(0);
};

describe("examples on the bundled data: Kafka (3 partitions) = DirectRunner", () => {
  const data = (f: string) => repo(`examples/data/${f}`);
  const cases: Case[] = [
    { name: "user-sequences", pipeline: userSequences, inputs: { events: data("events.jsonl"), items: data("items.jsonl") }, expects: { deadLetters: true } },
    { name: "wordcount", pipeline: wordcount, inputs: { lines: data("lines.jsonl") } },
    ...["global", "fixed:10s", "sliding:30s/5s", "session:10m"].map(
      (window): Case => ({
        name: `window-count ${window}`,
        pipeline: windowCount,
        inputs: { events: data("window-events.jsonl") },
        params: { window },
        expects: { deadLetters: true },
      }),
    ),
    { name: "sessions", pipeline: sessions, inputs: { clicks: data("clicks.jsonl") } },
  ];
  for (const c of cases) it(c.name, () => check(c));
});

describe("examples on generated out-of-order, late, duplicated and malformed input: Kafka (3 partitions) = DirectRunner", () => {
  const { events, items } = engagement(7, 400);
  const cases: Case[] = [
    {
      name: "user-sequences",
      pipeline: userSequences,
      inputs: { events: jsonl("events", events), items: jsonl("items", items) },
      expects: { deadLetters: true },
    },
    // An unkeyed source: all lines in partition 0, so two of the three source tasks never get a record.
    { name: "wordcount", pipeline: wordcount, inputs: { lines: jsonl("lines", lines(11, 300)) }, expects: { deadLetters: true } },
    ...(
      [
        { window: "global" },
        { window: "fixed:10s" },
        { window: "fixed:10s", lateness: "5s" },
        { window: "sliding:30s/5s" },
        { window: "session:10s", lateness: "3s" },
      ] as Record<string, string>[]
    ).map(
      (params): Case => ({
        name: `window-count ${params.window}${params.lateness ? ` lateness ${params.lateness}` : ""}`,
        pipeline: windowCount,
        inputs: { events: jsonl("keyed", keyedEvents(3, 400)) },
        params,
        expects: { late: params.window !== "global", deadLetters: true },
      }),
    ),
    { name: "sessions", pipeline: sessions, inputs: { clicks: jsonl("clicks", clicks(5, 400)) }, expects: { late: true, deadLetters: true } },
  ];
  for (const c of cases) it(c.name, () => check(c));
});

describe("beyond the examples: a join whose two sides arrive partitioned differently", () => {
  it("repartitions both sides (co-partitioning), and gives the DirectRunner's multi-row panes", async () => {
    // Impressions are keyed by the join key already, clicks are not: joining them where impressions are
    // read would meet clicks partitioned by ad, not by user. Both sides go through repartition topics.
    const layout = layoutOf(compile(clickJoin), "app", 3, prefixedNames("", "app"));
    const join = layout.subTopologies.find((s) => [...s.nodes].some((n) => n.endsWith(".join")))!;
    expect(join.inputs.map((i) => i.kind)).toEqual(["repartition", "repartition"]);
    const { impressions, clicks: adClicks } = adEvents(37, 300);
    await check({
      name: "click-join",
      pipeline: clickJoin,
      inputs: { impressions: jsonl("impressions", impressions), clicks: jsonl("clicks", adClicks) },
      expects: { late: true },
    });
  });
});
