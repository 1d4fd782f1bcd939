/**
 * Nexmark queries (examples/nexmark) on the Flink runner: the queries the slice can run give
 * exactly the DirectRunner's final views, dead letters and late elements on a generated Nexmark
 * stream, from a file and from a bounded Kafka topic; the others are refused before anything is
 * submitted, with the stage and the reason.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, inject, it } from "vitest";
import { runDirect } from "../../../runners/direct/index.ts";
import { explainFlink, runFlink } from "../../../runners/flink/index.ts";
import { canonicalJson } from "../../../src/core/canonical.ts";
import { nexmarkConfig, nexmarkJsonLine, nexmarkEvents } from "../../../src/nexmark/index.ts";
import type { Pipeline } from "../../../src/plan/graph.ts";
import { produceNexmark } from "../../../src/cli/nexmark-topic.ts";
import { bothFromTopics, freshTopic, testKafka } from "./topic-helpers.ts";
import q0 from "../../../examples/nexmark/q0.ts";
import q1 from "../../../examples/nexmark/q1.ts";
import q2 from "../../../examples/nexmark/q2.ts";
import q3 from "../../../examples/nexmark/q3.ts";
import q4 from "../../../examples/nexmark/q4.ts";
import q5 from "../../../examples/nexmark/q5.ts";
import q6 from "../../../examples/nexmark/q6.ts";
import q7 from "../../../examples/nexmark/q7.ts";
import q8 from "../../../examples/nexmark/q8.ts";
import q9 from "../../../examples/nexmark/q9.ts";
import q11 from "../../../examples/nexmark/q11.ts";

const gateway = inject("flinkGateway");

// 5,000 events over 25 s of event time: q3 pairs, q8 windows, several q11 sessions per bidder.
const events = join(mkdtempSync(join(tmpdir(), "lockstep-flink-nexmark-")), "events.jsonl");
writeFileSync(events, `${[...nexmarkEvents(nexmarkConfig({ events: 5_000, rate: 200 }))].map((e) => nexmarkJsonLine(e)).join("\n")}\n`);

const sorted = (xs: readonly unknown[]): string[] => xs.map((x) => canonicalJson(x)).sort();

/** The queries the slice runs, and those it refuses with the reason (docs/flink-runner.md). */
// q5, q7 and q9 run their custom combiners (q7's and q9's over the whole element, row()) in GraalJS;
// q4 and q6 get past their combines and stop at the stage after one.
const RUNS: [string, Pipeline<any>][] = Object.entries({ q0, q1, q2, q3, q5, q7, q8, q9, q11 });
const REFUSED: [string, Pipeline<any>, RegExp, RegExp][] = [
  ["q4", q4, /withTimestamps/, /a withTimestamps after a combine is not in the Flink slice/],
  ["q6", q6, /keyBy/, /a keyBy after a combine is not in the Flink slice/],
];

describe("Nexmark on Flink = DirectRunner", () => {
  it.each(RUNS)("%s", async (name, pipeline) => {
    const direct = await runDirect(pipeline, { inputs: { events } });
    // The query's module: its custom combiners run in GraalJS from a bundle of it.
    const modules = [fileURLToPath(new URL(`../../../examples/nexmark/${name}.ts`, import.meta.url))];
    const flink = await runFlink(pipeline, { inputs: { events }, gateway, log: () => undefined, modules });
    expect(canonicalJson(flink.outputs), `${name}: final views`).toBe(canonicalJson(direct.outputs));
    expect(sorted(flink.deadLetters), `${name}: dead letters`).toEqual(sorted(direct.deadLetters));
    expect(sorted(flink.late), `${name}: late elements`).toEqual(sorted(direct.late));
    expect(direct.outputs.out!.length, `${name}: non-empty output`).toBeGreaterThan(0);
  });

  // The same queries from a bounded Kafka topic, as `lockstep nexmark generate --topic` fills it
  // (one partition, no key: an unkeyed source's one ordered substream).
  const topic = freshTopic("nexmark");
  const filled = produceNexmark(testKafka, nexmarkConfig({ events: 5_000, rate: 200 }), topic, 1);
  it.each(RUNS)("%s from a bounded Kafka topic", async (name, pipeline) => {
    expect(await filled).toBe(5_000);
    const modules = [fileURLToPath(new URL(`../../../examples/nexmark/${name}.ts`, import.meta.url))];
    const direct = await bothFromTopics(pipeline, { events: topic }, modules);
    expect(direct.outputs.out!.length, `${name}: non-empty output`).toBeGreaterThan(0);
  });

  it.each(REFUSED)("%s is refused with the stage and the reason", (_name, pipeline, stage, reason) => {
    const e = explainFlink(pipeline);
    expect(e.refused?.stage).toMatch(stage);
    expect(e.refused?.reason).toMatch(reason);
  });
});
