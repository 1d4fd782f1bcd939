/**
 * Every example besides the flagship (topics.test.ts) and Nexmark (nexmark.test.ts) read by the
 * Flink job from bounded Kafka topics: each data file's lines produced to a topic of two
 * partitions, keyed by the source key as the Kafka runner keys them (lines that are not records go
 * to partition 0 unkeyed); the DirectRunner's final views, dead letters and late elements on the
 * same records read back.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import sessions from "../../../examples/sessions.ts";
import windowCount from "../../../examples/window-count.ts";
import wordcount from "../../../examples/wordcount.ts";
import { recordSourceKey } from "../../../src/engine/edge.ts";
import { compile } from "../../../src/plan/compile.ts";
import type { Pipeline } from "../../../src/plan/graph.ts";
import type { SourceNode } from "../../../src/plan/ir.ts";
import { repo } from "../../cli/helpers.ts";
import { bothFromTopics, topicWith } from "./topic-helpers.ts";

const EXAMPLES: [string, Pipeline<any>, string, string][] = [
  ["window-count", windowCount, "events", "examples/data/window-events.jsonl"],
  ["wordcount", wordcount, "lines", "examples/data/lines.jsonl"],
  ["sessions", sessions, "clicks", "examples/data/clicks.jsonl"],
];

describe("the examples from bounded Kafka topics on Flink = DirectRunner", () => {
  it.each(EXAMPLES)("%s", async (name, def, source, data) => {
    const node = compile(def).nodes.find((n) => n.id === source) as SourceNode;
    const keyOf = (line: string): string | null => {
      try {
        return recordSourceKey(node, JSON.parse(line));
      } catch {
        return null;
      }
    };
    const lines = readFileSync(repo(data), "utf8").trimEnd().split("\n");
    const topic = await topicWith(
      name,
      2,
      lines.map((l) => ({ key: keyOf(l), value: l })),
    );
    const direct = await bothFromTopics(def, { [source]: topic }, [repo(`examples/${name}.ts`)]);
    expect(Object.values(direct.outputs).flat().length, `${name}: non-empty output`).toBeGreaterThan(0);
  });
});
