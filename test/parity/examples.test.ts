/**
 * Every example pipeline (`examples/*.ts`), on histories generated from its
 * own source schemas: the DirectRunner, the DirectRunner fed another
 * interleaving of source keys (§2, §8: nothing may change), and the
 * ArqueroBatchRunner give the same final views, dead letters and late
 * elements. The seed is printed on failure (in the report) and can be pinned
 * with PARITY_SEED.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Pipeline } from "../../src/plan/graph.ts";
import { checkParity } from "../../src/parity/harness.ts";
import sessions from "../../examples/sessions.ts";
import userSequences from "../../examples/user-sequences.ts";
import windowCount from "../../examples/window-count.ts";
import wordcount from "../../examples/wordcount.ts";

const RUNS = Number(process.env.PARITY_EXAMPLE_RUNS ?? 150);
const SEED = process.env.PARITY_SEED === undefined ? undefined : Number(process.env.PARITY_SEED);
const RUNNERS = ["direct", "direct-reordered", "arquero"];

type Case = { name: string; pipeline: Pipeline<any>; params?: Record<string, string>; exercises: ("late" | "deadLetters")[] };

const cases: Case[] = [
  { name: "user-sequences", pipeline: userSequences, exercises: ["deadLetters"] },
  { name: "wordcount", pipeline: wordcount, exercises: ["deadLetters"] },
  { name: "sessions", pipeline: sessions, exercises: ["late", "deadLetters"] },
  ...(
    [
      { window: "global" },
      { window: "fixed:10s" },
      { window: "fixed:10s", lateness: "5s" },
      { window: "sliding:30s/5s", lateness: "2s" },
      { window: "session:10s", lateness: "3s" },
    ] as Record<string, string>[]
  ).map(
    (params): Case => ({
      name: `window-count ${Object.values(params).join(" ")}`,
      pipeline: windowCount,
      params,
      exercises: params.window === "global" ? ["deadLetters"] : ["late", "deadLetters"],
    }),
  ),
];

describe("every example has parity on generated histories", () => {
  it("covers every module in examples/", () => {
    const modules = readdirSync(join(import.meta.dirname, "../../examples")).filter((f) => f.endsWith(".ts"));
    expect(modules.sort()).toEqual(["sessions.ts", "user-sequences.ts", "window-count.ts", "wordcount.ts"]);
  });

  for (const c of cases) {
    it(`${c.name}: ${RUNNERS.join(" = ")}`, async () => {
      const report = await checkParity(c.pipeline, {
        runners: RUNNERS,
        runs: RUNS,
        ...(SEED !== undefined ? { seed: SEED } : {}),
        ...(c.params ? { params: c.params } : {}),
        name: `examples/${c.name.split(" ")[0]}.ts`,
      });
      expect(report.ok, report.text).toBe(true);
      // The histories exercise what they are for.
      expect(report.stats.rows, report.text).toBeGreaterThan(0);
      for (const what of c.exercises) expect(report.stats[what], `${c.name}: ${what} — ${report.text}`).toBeGreaterThan(0);
    }, 60_000);
  }
});
