/**
 * Smoke test of `npm run bench:beam` (bench/beam-compare.ts) at tiny sizes, so the harness cannot
 * rot: the hand loop and lockstep always (their agreement check included), Beam's half only where
 * bench/beam/node_modules exists. No timing assertions: only that each run finishes and they agree.
 */
import { describe, expect, it } from "vitest";
import { compare, measureIsolated, table } from "../../bench/beam-compare.ts";
import { beamInstalled, beamSuites, normalize } from "../../bench/beam-suites.ts";

const TINY = { lines: 300, events: 3_000, reps: 1, isolate: false } as const;

describe("bench/beam-compare", () => {
  it("lockstep's DirectRunner and the hand loop agree on both workloads, and the table has a row each", async () => {
    const ms = await compare({ ...TINY, impls: ["hand", "lockstep"] });
    expect(ms.map((m) => `${m.suite}/${m.impl}`)).toEqual(["wordcount/hand", "wordcount/lockstep", "window/hand", "window/lockstep"]);
    for (const m of ms) expect(m.rows).toBeGreaterThan(0);
    // 3,000 events, one per ms from a multiple of 10 s: every key in the only window.
    expect(ms.find((m) => m.suite === "window")!.rows).toBeLessThanOrEqual(100);
    const lines = table(ms).split("\n");
    expect(lines).toHaveLength(4);
    expect(lines[2]).toMatch(/^\| wordcount \| 300 lines/);
    expect(lines[3]).toMatch(/^\| fixed-window count \| 3000 events/);
  });

  it("the normalized form tells a wrong count from the right one (what the agreement check compares)", async () => {
    const s = beamSuites.wordcount!;
    const input = s.make(50);
    const right = await s.run("lockstep", input);
    const wrong = (await s.run("hand", input)).map((r: any, i) => (i === 0 ? { ...r, count: r.count + 1 } : r));
    expect(normalize(wrong)).not.toBe(normalize(right));
  });

  it("a worker process reports its measurement and its own peak RSS", () => {
    const m = measureIsolated("window", "lockstep", 500, 1);
    expect(m).toMatchObject({ suite: "window", impl: "lockstep", elements: 500 });
    expect(m.peakRssMb).toBeGreaterThan(0);
  });

  // Beam is not a dependency of lockstep: it is there only once `npm ci --prefix bench/beam` has run.
  const beamTitle = "Apache Beam's direct runner agrees with both, in-process";
  it.skipIf(!beamInstalled())(
    beamInstalled() ? beamTitle : `${beamTitle} — skipped: bench/beam/node_modules is missing (npm ci --prefix bench/beam installs it)`,
    async () => {
      // compare throws if any result differs; loadBeam's spawn counter throws if Beam started a process.
      const ms = await compare({ ...TINY, impls: ["hand", "lockstep", "beam"] });
      expect(ms.filter((m) => m.impl === "beam").map((m) => m.suite)).toEqual(["wordcount", "window"]);
      expect(table(ms)).toMatch(/\| fixed-window count \| 3000 events \| \d+ \| \d+ \| \d+ \| \d+ \|/);
    },
  );
});
