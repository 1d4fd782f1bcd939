/**
 * Every example with its bundled data, and with the same data perturbed —
 * out of order, duplicated, with late stragglers — on the ArqueroBatchRunner
 * against the DirectRunner: final views (as output file lines), dead letters
 * and late elements must be equal.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import sessions from "../../../examples/sessions.ts";
import userSequences from "../../../examples/user-sequences.ts";
import windowCount from "../../../examples/window-count.ts";
import wordcount from "../../../examples/wordcount.ts";
import type { Pipeline } from "../../../src/plan/graph.ts";
import { checkParity } from "./parity.ts";

const data = (name: string): string => `examples/data/${name}`;

/** A JSONL file's lines as values (unparseable lines kept as text, so they stay dead letters). */
const values = (name: string): unknown[] =>
  readFileSync(data(name), "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => {
      try {
        return JSON.parse(l);
      } catch {
        return l;
      }
    });

/** Perturbations of an input: each keeps every record and adds some. */
const PERTURBED: [string, (xs: unknown[]) => unknown[]][] = [
  ["reversed", (xs) => [...xs].reverse()],
  ["every third record twice", (xs) => xs.flatMap((x, i) => (i % 3 === 0 ? [x, x] : [x]))],
  ["every fifth record moved to the end (late stragglers)", (xs) => [...xs.filter((_, i) => i % 5 !== 0), ...xs.filter((_, i) => i % 5 === 0)]],
  ["interleaved halves", (xs) => xs.map((_, i) => xs[i % 2 === 0 ? i / 2 : Math.floor(xs.length / 2) + (i - 1) / 2]).filter((x) => x !== undefined)],
];

const EXAMPLES: [string, Pipeline<any>, Record<string, string>, Record<string, string>?][] = [
  ["wordcount", wordcount, { lines: "lines.jsonl" }],
  ["user-sequences", userSequences, { events: "events.jsonl", items: "items.jsonl" }],
  ["sessions", sessions, { clicks: "clicks.jsonl" }],
  ["sessions, 5 minute gap, no lateness", sessions, { clicks: "clicks.jsonl" }, { gap: "5m", lateness: "0s" }],
  ...["global", "fixed:10s", "fixed:10s+3s", "sliding:30s/5s", "sliding:25s/10s+2s", "session:10s", "session:3s"].flatMap((window) =>
    ["0s", "5s"].map((lateness): [string, Pipeline<any>, Record<string, string>, Record<string, string>] => [
      `window-count ${window}, lateness ${lateness}`,
      windowCount,
      { events: "window-events.jsonl" },
      { window, lateness },
    ]),
  ),
];

describe.each(EXAMPLES)("%s", (_name, def, files, params) => {
  it("bundled data, read from the files", async () => {
    const inputs = Object.fromEntries(Object.entries(files).map(([k, f]) => [k, data(f)]));
    const { direct } = await checkParity(def, { inputs, ...(params ? { params } : {}) });
    expect(Object.values(direct.outputs).flat().length).toBeGreaterThan(0);
  });

  it.each(PERTURBED)("%s", async (_label, perturb) => {
    // Tables are versions, not a stream: only sources are perturbed.
    const tables = new Set(["items"]);
    const inputs = Object.fromEntries(Object.entries(files).map(([k, f]) => [k, tables.has(k) ? values(f) : perturb(values(f))]));
    await checkParity(def, { inputs, ...(params ? { params } : {}) });
  });
});

it("the perturbations produce late elements somewhere (so lateness is exercised)", async () => {
  const { direct } = await checkParity(windowCount, {
    inputs: { events: PERTURBED[2]![1](values("window-events.jsonl")) },
    params: { window: "fixed:10s", lateness: "0s" },
  });
  expect(direct.late.length).toBeGreaterThan(10);
});
