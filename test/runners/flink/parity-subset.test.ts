/**
 * The few Flink jobs that run in `npm test` (the flink project of vitest.config.ts; the whole Flink
 * suite is `npm run test:flink`): generated pipelines the compiler accepts, generated pipelines
 * running executors in GraalJS, and the lateness rule per source key by hand — each against the
 * DirectRunner (docs/semantics.md §14). The flagship's byte-for-byte files (flagship.test.ts) run
 * in `npm test` beside these.
 */
import * as t from "io-ts";
import { describe, expect, it } from "vitest";
import * as L from "../../../dsl/index.ts";
import { cli, repo } from "../../cli/helpers.ts";
import { accepted, checkParity, gateway, parityOnGeneratedHistories, withExecutors } from "./parity-cases.ts";

describe("FlinkRunner parity with the DirectRunner (the npm test subset)", () => {
  it("generated pipelines on generated histories (2 runs)", () => parityOnGeneratedHistories(accepted, 2));

  it("generated pipelines running executors in GraalJS (1 run)", () => parityOnGeneratedHistories(withExecutors, 1));

  it("lockstep parity --runners direct,flink: the parity tool runs the flagship on Flink (its executor bundled from the module)", async () => {
    const r = await cli(
      "parity",
      repo("examples/user-sequences.ts"),
      "--runners",
      "direct,flink",
      "--runs",
      "2",
      "--seed",
      "7",
      "--gateway",
      gateway,
      "-q",
      "--json",
    );
    expect(r.code, r.err).toBe(0);
    const report = JSON.parse(r.out) as { ok: boolean; runs: number; runners: string[] };
    expect(report).toMatchObject({ ok: true, runs: 2 });
  });

  it("lateness is judged per source key, by arrival order within it (§8)", async () => {
    const Ev = t.type({ user: t.string, ts: t.number, n: t.number });
    const def = L.pipeline("late-per-key", { version: 1 }, ({ source, sink }) =>
      L.pipe(
        source("events", Ev, { key: "user" }),
        L.withTimestamps((e) => e.field("ts")),
        L.keyBy("n"),
        L.window(L.fixed("10s"), { allowedLateness: "0s" }),
        L.combine({ count: L.count(), max: L.max("ts") }),
        sink("counts"),
      ),
    );
    // Every element is keyed by n = 1, so one stage key mixes the two source keys.
    // a's clock reaches 25 000 before its 1 000 arrives: late for [0, 10 000).
    // b's 2 000 arrives after a's 25 000 but b's own clock is 2 000: not late (a slow source key counts).
    const events = [
      { user: "a", ts: 500, n: 1 },
      { user: "a", ts: 25_000, n: 1 },
      { user: "b", ts: 2_000, n: 1 },
      { user: "a", ts: 1_000, n: 1 },
      { user: "b", ts: 12_000, n: 1 },
      { user: "b", ts: 3_000, n: 1 },
    ];
    const direct = (await checkParity(def, { events }))!;
    // The rule applied by hand: a@1000 (line 4; a's clock 25 000 ≥ 10 000) and b@3000 (line 6; b's clock 12 000 ≥ 10 000).
    expect(direct.late.map((l) => [l.offset, l.clock]).sort()).toEqual([
      [4, 25_000],
      [6, 12_000],
    ]);
  });
});
