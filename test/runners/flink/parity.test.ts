/**
 * The FlinkRunner against the DirectRunner on a real Flink (the local
 * gateway, or FLINK_GATEWAY): generated pipelines the compiler accepts, on
 * generated histories (one property flattening two sources), and hand-made
 * cases: lateness across flattened sources whose source keys share a name,
 * sessions, exact sums, dispatch, a join. The helpers are in
 * parity-cases.ts; a few of these jobs run in `npm test` as
 * parity-subset.test.ts (the lateness rule per source key is there).
 */
import * as t from "io-ts";
import { describe, expect, it } from "vitest";
import * as L from "../../../dsl/index.ts";
import { buildPipeline } from "../../../src/parity/pipelines.ts";
import {
  accepted,
  acceptedWith,
  checkParity,
  parityOnGeneratedHistories,
  RUNS,
  withCustom,
  withDispatch,
  withExecutors,
  withFirstLast,
  withFlatMap,
  withJoin,
} from "./parity-cases.ts";

describe("FlinkRunner parity with the DirectRunner", () => {
  for (const [what, recipes, runs] of [
    ["generated pipelines", accepted, RUNS],
    ["generated pipelines with session windows", acceptedWith(["session"]), Math.ceil(RUNS / 2)],
    ["generated pipelines flattening two sources", accepted.filter((r) => r.union === true), Math.ceil(RUNS / 2)],
    ["generated pipelines running executors in GraalJS", withExecutors, RUNS],
    ["generated pipelines with a dispatch", withDispatch, Math.ceil(RUNS / 2)],
    ["generated pipelines with a flatMap", withFlatMap, RUNS],
    ["generated combines with first or last", withFirstLast, RUNS],
    ["generated combines with a custom combiner", withCustom, RUNS],
    // Generated join histories are small and often pair nothing: twice the runs.
    ["generated pipelines ending in a join", withJoin, RUNS * 2],
  ] as const)
    it(`${what} on generated histories (${runs} runs)`, () => parityOnGeneratedHistories(recipes, runs));

  it("after a flatten, clocks, late elements and dead letters stay per source, whatever the sources' interleaving (§2, §3, §8)", async () => {
    const Ev = t.type({ user: t.string, ts: t.number, d: t.number });
    const def = L.pipeline("late-after-flatten", { version: 1 }, ({ source, sink }) =>
      L.pipe(
        L.flatten([source("events", Ev, { key: "user" }), source("others", Ev, { key: "user" })]),
        L.withTimestamps((e) => e.field("ts").div(e.field("d"))),
        L.keyBy("d"),
        L.window(L.fixed("10s"), { allowedLateness: "0s" }),
        L.combine({ count: L.count(), max: L.max("ts") }),
        sink("counts"),
      ),
    );
    // Both sources have a user "a", but a source key is a substream of its source: two clocks.
    // events: a's clock reaches 25 000 before its 1 000 arrives (line 3): late for [0, 10 000); line 4's
    // time is 7 / 0 = null: a dead letter of events. others: its a@2 000 (line 3, after events' a@25 000
    // on any interleaving that orders by line) is not late, its clock is its own 2 000; its a@3 000
    // (line 5, clock 12 000) is late.
    const events = [
      { user: "a", ts: 500, d: 1 },
      { user: "a", ts: 25_000, d: 1 },
      { user: "a", ts: 1_000, d: 1 },
      { user: "a", ts: 7, d: 0 },
    ];
    const others = [
      { user: "a", ts: 100, d: 1 },
      { user: "a", ts: 200, d: 1 },
      { user: "a", ts: 2_000, d: 1 },
      { user: "a", ts: 12_000, d: 1 },
      { user: "a", ts: 3_000, d: 1 },
    ];
    const direct = (await checkParity(def, { events, others }))!;
    expect(direct.late.map((l) => [l.source, l.offset, l.clock]).sort()).toEqual([
      ["events", 3, 25_000],
      ["others", 5, 12_000],
    ]);
    expect(direct.deadLetters.map((d) => [d.source, d.offset])).toEqual([["events", 4]]);
    expect(direct.outputs.counts).toEqual([
      { d: 1, windowStart: 0, windowEnd: 10_000, count: 4, max: 2_000 },
      { d: 1, windowStart: 10_000, windowEnd: 20_000, count: 1, max: 12_000 },
      { d: 1, windowStart: 20_000, windowEnd: 30_000, count: 1, max: 25_000 },
    ]);
  });

  it("sessions merge overlapping proto-windows, not touching ones; a late element is judged on its proto-session (§7, §8)", async () => {
    const Ev = t.type({ user: t.string, ts: t.number });
    const def = L.pipeline("sessions-by-hand", { version: 1 }, ({ source, sink }) =>
      L.pipe(
        source("events", Ev, { key: "user" }),
        L.withTimestamps((e) => e.field("ts")),
        L.keyBy("user"),
        L.window(L.session("10s"), { allowedLateness: "0s" }),
        L.combine({ n: L.count() }),
        sink("sessions"),
      ),
    );
    // 0 and 5 000 overlap ([0, 10 000) and [5 000, 15 000)); 40 000 touches [30 000, 40 000); 1 000 arrives
    // when a's clock is 40 000 ≥ its proto-session's end 11 000: late.
    const events = [0, 5_000, 30_000, 40_000, 1_000].map((ts) => ({ user: "a", ts }));
    const direct = (await checkParity(def, { events }))!;
    expect(direct.outputs.sessions).toEqual([
      { user: "a", windowStart: 0, windowEnd: 15_000, n: 2 },
      { user: "a", windowStart: 30_000, windowEnd: 40_000, n: 1 },
      { user: "a", windowStart: 40_000, windowEnd: 50_000, n: 1 },
    ]);
    expect(direct.late.map((l) => [l.offset, l.windowStart, l.windowEnd])).toEqual([[5, 1_000, 11_000]]);
  });

  it("sum and mean are exactly rounded (the Java UDAFs), whatever the order Flink adds in", async () => {
    const Ev = t.type({ k: t.string, x: t.number });
    const def = L.pipeline("exact-sums", { version: 1 }, ({ source, sink }) =>
      L.pipe(
        source("events", Ev),
        L.keyBy("k"),
        L.combine({ sum: L.sum("x"), mean: L.mean("x"), min: L.min("x"), max: L.max("x"), n: L.count() }),
        sink("sums"),
      ),
    );
    // Cancellation: a naive double sum of these depends on the order of additions.
    const xs = [0.1, 0.2, 0.3, 1e16, 1, -1e16, 2 ** -60, 1e-300, -0.3, 7.5];
    const events = [...xs.map((x) => ({ k: "a", x })), ...xs.reverse().map((x) => ({ k: "b", x: x * 3 })), { k: "c", x: -0 }];
    const direct = (await checkParity(def, { events }))!;
    expect(direct.outputs.sums).toHaveLength(3);
  });

  it("dispatch: keep, an executor in GraalJS, and a dead letter for a value with no branch (§5)", async () => {
    const def = buildPipeline({
      sourceKey: true,
      pre: [{ kind: "dispatch", branches: { a: "keep", b: "upper" } }],
      keyFields: ["k"],
      terminal: { kind: "none" },
      tap: false,
      post: null,
    });
    const events = [
      { id: "1", k: "a", ts: 1, x: 1, s: "keep me", tag: "a" },
      { id: "2", k: "a", ts: 2, x: 2, s: "shout ünï", tag: "b" },
      { id: "3", k: "b", ts: 3, x: 3, s: "no branch", tag: "c" },
    ];
    const direct = (await checkParity(def, { events }))!;
    // The rules by hand: tag c has no branch (default: a dead letter), tag b is upper-cased by the executor.
    expect(direct.deadLetters.map((d) => [d.offset, d.reason])).toEqual([[3, 'no dispatch branch for tag="c" (branches: a, b)']]);
    expect(
      Object.values(direct.outputs)[0]!
        .map((e) => (e as { s: string }).s)
        .sort(),
    ).toEqual(["SHOUT ÜNÏ", "keep me"]);
  });

  it("join: every pair per key and window, a left element alone with null, late elements by each side's own lateness (§8, §10)", async () => {
    const Ev = t.type({ user: t.string, ts: t.number, v: t.string });
    const def = L.pipeline("join-by-hand", { version: 1 }, ({ source, sink }) => {
      const side = (name: string, lateness: string) =>
        L.pipe(
          source(name, Ev, { key: "user" }),
          L.withTimestamps((e) => e.field("ts")),
          L.keyBy("user"),
          L.window(L.fixed("10s"), { allowedLateness: lateness }),
        );
      return L.pipe(side("views", "0s"), L.join(side("clicks", "5s"), { kind: "left", as: ["view", "click"] }), sink("joined"));
    });
    const views = [
      { user: "a", ts: 1_000, v: "v1" },
      { user: "a", ts: 2_000, v: "v2" },
      { user: "b", ts: 3_000, v: "v3" },
      { user: "a", ts: 25_000, v: "v4" },
      // a's clock is 25 000 ≥ 10 000 + 0: late for [0, 10 000).
      { user: "a", ts: 4_000, v: "v-late" },
    ];
    const clicks = [
      { user: "a", ts: 1_500, v: "c1" },
      { user: "a", ts: 9_000, v: "c2" },
      { user: "a", ts: 12_000, v: "c3" },
      // a's clock is 12 000 < 10 000 + 5 000: on time for [0, 10 000) on this side.
      { user: "a", ts: 5_000, v: "c4" },
    ];
    const direct = (await checkParity(def, { views, clicks }))!;
    const rows = direct.outputs.joined!.map((x) => {
      const r = x as { windowStart: number; view: { v: string }; click: { v: string } | null };
      return [r.windowStart, r.view.v, r.click?.v ?? null];
    });
    // The rules by hand: [0, 10 000) pairs v1, v2 with c1, c2, c4; b's v3 alone; [20 000, 30 000) v4 alone; c3's window has no view.
    expect(rows.map((x) => JSON.stringify(x)).sort()).toEqual(
      [
        [0, "v1", "c1"],
        [0, "v1", "c2"],
        [0, "v1", "c4"],
        [0, "v2", "c1"],
        [0, "v2", "c2"],
        [0, "v2", "c4"],
        [0, "v3", null],
        [20_000, "v4", null],
      ]
        .map((x) => JSON.stringify(x))
        .sort(),
    );
    expect(direct.late.map((x) => [x.source, x.offset])).toEqual([["views", 5]]);
  });
});
