/**
 * The handoff checkpoint written by the DirectRunner (docs/semantics.md §17): the engine state at the
 * end of the batch run's input, before the end-of-input flush; the rules that refuse plans which
 * cannot hand off; the file format's checks.
 */
import { describe, expect, it } from "vitest";
import windowCount from "../../../examples/window-count.ts";
import { DefinitionError } from "../../../src/core/errors.ts";
import { CHECKPOINT_FORMAT, assertCheckpointFor, handoffProblems, parseCheckpoint } from "../../../src/engine/checkpoint/index.ts";
import type { Checkpoint } from "../../../src/engine/checkpoint/index.ts";
import { decodeStateText as decodeState, encodeStateText as encodeState, fromStateJson, toStateJson } from "../../../src/engine/state-text.ts";
import { compile } from "../../../src/plan/compile.ts";
import { buildPipeline } from "../../../src/parity/pipelines.ts";
import { runDirect } from "../../../runners/direct/index.ts";

// Three keys; "a" has a window still open at the cut (its last event at 25 s, windows of 10 s).
const events = [
  { key: "a", ts: 1000 },
  { key: "b", ts: 3000 },
  { key: "a", ts: 12_000 },
  { key: "c", ts: 4000 },
  { key: "a", ts: 25_000 },
  { key: "b", ts: 2000 },
];

const checkpointOf = async (def: Parameters<typeof runDirect>[0], inputs: Record<string, unknown[]>, params?: Record<string, string>) => {
  let cp: Checkpoint | undefined;
  const result = await runDirect(def, { inputs, ...(params ? { params } : {}), onCheckpoint: (c) => void (cp = c) });
  return { cp: cp!, result };
};

describe("the DirectRunner's handoff checkpoint", () => {
  it("holds every source key's clock and every open window as of the cut, before the end-of-input flush", async () => {
    const { cp, result } = await checkpointOf(windowCount, { events });
    const plan = compile(windowCount, {});
    expect(cp.format).toBe(CHECKPOINT_FORMAT);
    expect(cp.plan).toEqual({ name: plan.name, version: plan.version, hash: plan.hash });
    expect(cp.cut).toEqual({ events: events.length });

    // Clocks: the largest event time per source key, routed by the source key (canonical JSON).
    const clocks = cp.stores.find((s) => s.store === "clocks")!;
    const maxTs = (k: string) => Math.max(...events.filter((e) => e.key === k).map((e) => e.ts));
    expect(clocks.entries).toEqual(["a", "b", "c"].map((k) => ({ key: `events\u0000"${k}"`, value: maxTs(k), route: `"${k}"` })));

    // Windows: the flush has not run, so each key still has its windows, none of them emitted —
    // the batch's final view has their panes all the same (the flush fired them afterwards).
    const windows = cp.stores.find((s) => s.store === "windows")!;
    expect(windows.entries.map((e) => e.key).sort()).toEqual(['["a"]', '["b"]', '["c"]']);
    const open = windows.entries.flatMap((e) => (e.value as { w: { s: number; p: boolean }[] }).w.map((w) => ({ key: e.key, start: w.s, emitted: w.p })));
    // Fixed 10 s windows, lateness 0: a window fires on time once its key's clock reaches its end, so
    // the ones not emitted yet are those ending after their key's clock.
    const expected = [...new Set(events.map((e) => `${e.key}|${Math.floor(e.ts / 10_000) * 10_000}`))].filter((x) => {
      const [k, start] = x.split("|") as [string, string];
      return maxTs(k) < Number(start) + 10_000;
    });
    expect(
      open
        .filter((w) => !w.emitted)
        .map((w) => `${JSON.parse(w.key)[0]}|${w.start}`)
        .sort(),
    ).toEqual(expected.sort());
    expect(result.outputs.counts!.length).toBe(new Set(events.map((e) => `${e.key}|${Math.floor(e.ts / 10_000)}`)).size);
  });

  it("keeps ±Infinity through its persisted form (the global window's bounds)", async () => {
    const { cp } = await checkpointOf(windowCount, { events }, { window: "global" });
    const text = JSON.stringify(cp);
    expect(text).toContain('{"$num":"Infinity"}');
    const back = fromStateJson(cp.stores.find((s) => s.store === "windows")!.entries[0]!.value) as { w: { s: number; e: number }[] };
    expect(back.w[0]).toMatchObject({ s: -Infinity, e: Infinity });
    expect(decodeState(encodeState({ x: [-Infinity, 1, Number.NaN] }))).toEqual({ x: [-Infinity, 1, Number.NaN] });
    expect(fromStateJson(toStateJson(Infinity))).toBe(Infinity);
  });

  it("a cut with nothing before it: empty stores, and the run still gives its (empty) final view", async () => {
    const { cp, result } = await checkpointOf(windowCount, { events: [] });
    expect(cp.stores.every((s) => s.entries.length === 0)).toBe(true);
    expect(result.outputs.counts).toEqual([]);
  });
});

describe("plans that cannot hand off are refused, naming the stage", () => {
  it("a session window", async () => {
    const problems = handoffProblems(compile(windowCount, { window: "session:10s" }));
    expect(problems.map((p) => p.reason)).toEqual([expect.stringContaining("session window")]);
    const run = runDirect(windowCount, { inputs: { events }, params: { window: "session:10s" }, onCheckpoint: () => {} });
    await expect(run).rejects.toBeInstanceOf(DefinitionError);
    await expect(run).rejects.toThrow(/cannot hand off from a batch run to a stream: a session window/);
    // Without a checkpoint the same plan runs as always.
    await expect(runDirect(windowCount, { inputs: { events }, params: { window: "session:10s" } })).resolves.toBeDefined();
  });

  it("a run with state in LMDB: the checkpoint is recorded from state in memory", async () => {
    const run = runDirect(windowCount, { inputs: { events }, state: "lmdb", onCheckpoint: () => {} });
    await expect(run).rejects.toThrow(/state: a handoff checkpoint is recorded from state in memory.*drop --state lmdb/);
  });

  it("a stateful stage over an aggregate's panes (two-level aggregation)", () => {
    const plan = compile(buildPipeline({ sourceKey: true, pre: [], keyFields: ["k"], terminal: { kind: "chain" }, tap: false }), {});
    const problems = handoffProblems(plan);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]!.reason).toMatch(/keeps state over the panes of "/);
  });

  it("a checkpoint of another plan (its content hash differs)", async () => {
    const { cp } = await checkpointOf(windowCount, { events });
    const other = compile(windowCount, { lateness: "5s" });
    expect(() => assertCheckpointFor(cp, other)).toThrow(/was written for "window-count" v1 \(sha256:[0-9a-f]+\), not for "window-count" v1 \(sha256:/);
    expect(() => assertCheckpointFor(cp, compile(windowCount, {}))).not.toThrow();
  });
});

describe("the checkpoint file's shape is checked", () => {
  const good = { format: CHECKPOINT_FORMAT, plan: { name: "p", version: 1, hash: "sha256:x" }, cut: { events: 2 }, stores: [] };
  it.each([
    ["a JSON array", [], /\(file\).*not a JSON object/],
    ["another format", { ...good, format: "lockstep.checkpoint/9" }, /format.*"lockstep\.checkpoint\/9", expected "lockstep\.checkpoint\/1"/],
    ["a plan without a hash", { ...good, plan: { name: "p", version: 1 } }, /plan.*hash: string/],
    ["a negative cut", { ...good, cut: { events: -1 } }, /cut.*non-negative integer/],
    ["an entry without a key", { ...good, stores: [{ stage: "s", store: "clocks", entries: [{ value: 1, route: null }] }] }, /stores\[0\]\.entries\[0\]/],
  ])("%s", (_what, json, message) => {
    expect(() => parseCheckpoint(json, "cp.json")).toThrow(message);
  });
  it("a good one is returned as it is", () => {
    expect(parseCheckpoint(good, "cp.json")).toEqual(good);
  });
});
