/**
 * The harness catches and shrinks a deliberate divergence. Runner code is
 * not touched: the bug is planted by wrapping the DirectRunner's result in a
 * wrong post-processing step (`mapResult`), registered under its own name.
 */
import { describe, expect, it } from "vitest";
import * as t from "io-ts";
import * as L from "../../dsl/index.ts";
import { canonicalJson } from "../../src/core/canonical.ts";
import { checkParity, checkRecipeParity } from "../../src/parity/harness.ts";
import { historySize } from "../../src/parity/histories.ts";
import { mapResult } from "../../src/parity/runners.ts";
import type { RunResult } from "../../src/run/result.ts";

/** Drops the late element with the greatest offset, when there is one. */
const dropOneLate = mapResult("direct", "drops-a-late-element", (r: RunResult): RunResult => {
  if (r.late.length === 0) return r;
  const last = [...r.late].sort((a, b) => b.offset - a.offset)[0]!;
  return { ...r, late: r.late.filter((l) => l !== last) };
});

/** Sequences: swaps the first two entries when they tie in time (a wrong tie-break). */
const swapTies = mapResult("direct", "reorders-a-tie", (r: RunResult): RunResult => {
  const outputs = Object.fromEntries(
    Object.entries(r.outputs).map(([sink, rows]) => [
      sink,
      rows.map((row) => {
        const seq = (row as { events?: { ts: number }[] }).events;
        if (!Array.isArray(seq) || seq.length < 2 || seq[0]!.ts !== seq[1]!.ts) return row;
        return { ...(row as object), events: [seq[1], seq[0], ...seq.slice(2)] };
      }),
    ]),
  );
  return { ...r, outputs };
});

const Click = t.type({ user: t.string, ts: t.number, page: t.string });

const sessions = L.pipeline("planted-sessions", { version: 1 }, ({ source, sink }) =>
  L.pipe(
    source("clicks", Click, { key: "user" }),
    L.withTimestamps((e) => e.field("ts")),
    L.keyBy("user"),
    L.window(L.fixed("10s"), { allowedLateness: "2s" }),
    L.combine({ clicks: L.count() }),
    sink("counts"),
  ),
);

const Ev = t.type({ id: t.string, user: t.string, ts: t.number });
const latest = L.pipeline("planted-sequence", { version: 1 }, ({ source, sink }) =>
  L.pipe(
    source("events", Ev, { key: "user" }),
    L.withTimestamps((e) => e.field("ts")),
    L.keyBy("user"),
    L.sequence({ latest: 5, id: "id", fields: ["id", "ts"], as: "events" }),
    sink("latest"),
  ),
);

describe("a planted divergence is caught and shrunk", () => {
  it("a runner that drops one late element: shrunk to two records of one key", async () => {
    const report = await checkParity(sessions, { runners: ["direct", dropOneLate], runs: 300, seed: 7 });
    expect(report.ok).toBe(false);
    const h = report.counterexample!;
    // The smallest history with a late element: one record moves the clock past end + lateness, one is behind it.
    expect(historySize(h)).toBe(2);
    expect(report.diffs[0]!.late.missing).toHaveLength(1);
    expect(report.diffs[0]!.late.extra).toHaveLength(0);
    expect(report.text).toMatch(/late elements: 1 only on direct, 0 only on drops-a-late-element/);
    expect(report.text).toMatch(/seed 7, path \S+/);
    expect(report.text).toContain("clicks (source, key user):");
    // Replaying the seed and path reproduces exactly the shrunk case.
    const again = await checkParity(sessions, { runners: ["direct", dropOneLate], seed: report.seed, path: report.path! });
    expect(again.ok).toBe(false);
    expect(canonicalJson(again.counterexample)).toBe(canonicalJson(h));
  });

  it("a runner that breaks ties in a sequence the wrong way: shrunk to two records with the same time", async () => {
    const report = await checkParity(latest, { runners: ["direct", swapTies], runs: 300, seed: 3 });
    expect(report.ok).toBe(false);
    const events = report.counterexample!.inputs.events as { ts: number; user: string }[];
    expect(events).toHaveLength(2);
    expect(events[0]!.ts).toBe(events[1]!.ts);
    expect(events[0]!.user).toBe(events[1]!.user);
    const sink = report.diffs[0]!.sinks.find((s) => s.sink === "latest")!;
    expect(sink.keyFields).toEqual(["user"]);
    expect(sink.different).toHaveLength(1);
    expect(report.text).toMatch(/~ different: \{"user":/);
  });

  it("generated pipelines: the planted bug shrinks the pipeline too", async () => {
    const report = await checkRecipeParity({ runners: ["direct", dropOneLate], runs: 300, seed: 11 });
    expect(report.ok).toBe(false);
    expect(historySize(report.counterexample!)).toBeLessThanOrEqual(3);
    const r = report.recipe!;
    // Nothing in the pipeline but what makes an element late: no pre steps, no tap, no post step.
    expect(r.pre).toEqual([]);
    expect(r.tap).toBe(false);
    expect(r.post ?? null).toBeNull();
    expect(report.text).toContain("recipe: ");
    expect(report.text).toContain("replay: checkRecipeParity(");
  });
});
