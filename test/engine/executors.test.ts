/**
 * dispatch and apply on the DirectRunner (docs/semantics.md §5): branches and
 * `otherwise`, hook order, async executors (input order, bounded
 * concurrency), and executors that throw.
 */
import * as t from "io-ts";
import { describe, expect, it, vi } from "vitest";
import * as L from "../../dsl/index.ts";
import { MAX_IN_FLIGHT } from "../../src/engine/ops/executors.ts";
import { deadAt, run, sleep } from "./direct-harness.ts";

describe("dispatch", () => {
  const Ev = t.type({ id: t.number, type: t.string, durationMs: t.number });
  type Ev = t.TypeOf<typeof Ev>;
  const longView = L.executor("longView", 1, { filter: (e: Ev) => e.durationMs >= 1000 });
  const tagClick = L.executor("tagClick", 1, { featurize: (e: Ev) => ({ ...e, clicked: true }) });
  const def = (otherwise?: "keep" | "drop" | "deadLetter") =>
    L.pipeline("dispatch", { version: 1 }, ({ source, sink }) =>
      L.pipe(
        source("ev", Ev),
        L.dispatch("type", { save: L.keep, hide: L.drop, view: longView, click: tagClick }, otherwise ? { otherwise } : {}),
        sink("out"),
      ),
    );
  const input = [
    { id: 1, type: "save", durationMs: 0 }, // keep
    { id: 2, type: "hide", durationMs: 0 }, // drop
    { id: 3, type: "view", durationMs: 500 }, // longView filters it out
    { id: 4, type: "view", durationMs: 1500 }, // longView keeps it
    { id: 5, type: "click", durationMs: 0 }, // tagClick adds clicked
    { id: 6, type: "share", durationMs: 0 }, // no branch
  ];
  // Sorted by canonical JSON: `{"clicked"` < `{"durationMs":0` < `{"durationMs":1500`.
  const click = { id: 5, type: "click", durationMs: 0, clicked: true };
  const save = { id: 1, type: "save", durationMs: 0 };
  const view = { id: 4, type: "view", durationMs: 1500 };

  it("runs keep, drop and executor branches; a value with no branch is a dead letter by default", async () => {
    const r = await run(def(), { ev: input });
    expect(r.outputs.out).toEqual([click, save, view]);
    expect(deadAt(r)).toEqual([["ev", 6, "ev.dispatch"]]);
    expect(r.deadLetters[0]!.reason).toMatch(/no dispatch branch for type="share"/);
    expect(r.metrics["ev.dispatch"]).toMatchObject({ in: 6, out: 3, deadLetters: 1 });
    expect(await run(def("deadLetter"), { ev: input })).toMatchObject({ outputs: { out: [click, save, view] } });
  });

  it("otherwise keep passes unmatched values through unchanged", async () => {
    const r = await run(def("keep"), { ev: input });
    expect(r.outputs.out).toEqual([click, save, { id: 6, type: "share", durationMs: 0 }, view]);
    expect(r.deadLetters).toEqual([]);
  });

  it("otherwise drop drops them without a dead letter", async () => {
    const r = await run(def("drop"), { ev: input });
    expect(r.outputs.out).toEqual([click, save, view]);
    expect(r.deadLetters).toEqual([]);
  });
});

describe("apply: hook order", () => {
  const Ev = t.type({ id: t.number, name: t.string });
  type Ev = t.TypeOf<typeof Ev>;
  type Enriched = Ev & { len: number };
  const input = [
    { id: 1, name: " ab " },
    { id: 2, name: "  " }, // normalized to "": filter says false
    { id: 3, name: "c" },
    { id: 4, name: "t" }, // filter returns 1: only exactly `true` keeps
  ];
  const keepOf = (e: Ev): boolean => (e.name === "" ? false : e.name === "t" ? (1 as unknown as boolean) : true);
  const expectedLog = [
    ["normalize:1", "filter:1", "enrich:1", "featurize:1"],
    ["normalize:2", "filter:2"],
    ["normalize:3", "filter:3", "enrich:3", "featurize:3"],
    ["normalize:4", "filter:4"],
  ];
  const expectedOut = [
    { id: 1, label: "ab/2" },
    { id: 3, label: "c/1" },
  ];

  it("runs normalize → filter → enrich → featurize, each seeing the previous hook's output", async () => {
    const log: string[] = [];
    const traced = L.executor("traced", 1, {
      normalize: (e: Ev) => (log.push(`normalize:${e.id}`), { ...e, name: e.name.trim() }),
      filter: (e: Ev) => (log.push(`filter:${e.id}`), keepOf(e)),
      enrich: (e: Ev) => (log.push(`enrich:${e.id}`), { ...e, len: e.name.length }),
      featurize: (e: Ev) => (log.push(`featurize:${e.id}`), { id: e.id, label: `${e.name}/${(e as Enriched).len}` }),
    });
    const p = L.pipeline("hooks", { version: 1 }, ({ source, sink }) => L.pipe(source("ev", Ev), L.apply(traced), sink("out")));
    const r = await run(p, { ev: input });
    // Synchronous hooks run inline, one element after the other.
    expect(log).toEqual(expectedLog.flat());
    expect(r.outputs.out).toEqual(expectedOut);
    expect(r.metrics["ev.apply"]).toMatchObject({ in: 4, out: 2 });
  });

  it("keeps the order per element when every hook is async", async () => {
    const log: string[] = [];
    const tick = () => sleep(1);
    const traced = L.executor("tracedAsync", 1, {
      normalize: async (e: Ev) => (await tick(), log.push(`normalize:${e.id}`), { ...e, name: e.name.trim() }),
      filter: async (e: Ev) => (await tick(), log.push(`filter:${e.id}`), keepOf(e)),
      enrich: async (e: Ev) => (await tick(), log.push(`enrich:${e.id}`), { ...e, len: e.name.length }),
      featurize: async (e: Ev) => (await tick(), log.push(`featurize:${e.id}`), { id: e.id, label: `${e.name}/${(e as Enriched).len}` }),
    });
    const p = L.pipeline("hooks-async", { version: 1 }, ({ source, sink }) => L.pipe(source("ev", Ev), L.apply(traced), sink("out")));
    const r = await run(p, { ev: input });
    // Elements run concurrently, so the log interleaves; per element the order is fixed.
    for (const [i, steps] of expectedLog.entries()) expect(log.filter((s) => s.endsWith(`:${i + 1}`))).toEqual(steps);
    expect(r.outputs.out).toEqual(expectedOut);
  });
});

describe("apply: async executors", () => {
  const Ev = t.type({ i: t.number });
  type Ev = t.TypeOf<typeof Ev>;

  it("delivers results in input order even when later calls finish first", async () => {
    // Each call waits on its own gate; the test opens the gates last to first once all ten
    // calls are in flight, so the finish order is fixed by the test, not by timers.
    const gates = Array.from({ length: 10 }, () => {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      return { promise, resolve };
    });
    const started: number[] = [];
    const finished: number[] = [];
    const seen: number[] = [];
    const slow = L.executor("slow", 1, { featurize: async (e: Ev) => (started.push(e.i), await gates[e.i]!.promise, finished.push(e.i), e) });
    const recorder = L.executor("recorder", 1, { featurize: (e: Ev) => (seen.push(e.i), e) });
    const p = L.pipeline("order", { version: 1 }, ({ source, sink }) => L.pipe(source("ev", Ev), L.apply(slow), L.apply(recorder), sink("out")));
    const running = run(p, { ev: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => ({ i })) });
    await vi.waitFor(() => expect(started).toHaveLength(10), { timeout: 20_000 });
    for (let i = 9; i >= 0; i--) {
      gates[i]!.resolve();
      await vi.waitFor(() => expect(finished).toContain(i), { timeout: 20_000 });
    }
    const r = await running;
    expect(finished).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(r.outputs.out).toHaveLength(10);
  });

  it("runs at most MAX_IN_FLIGHT elements at once, and fills that bound", async () => {
    let inFlight = 0;
    let most = 0;
    const seen: number[] = [];
    // Calls hold until the test opens the gate: the stage must fill exactly to its bound.
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const wait = L.executor("wait", 1, {
      enrich: async (e: Ev) => {
        most = Math.max(most, ++inFlight);
        await gate;
        inFlight--;
        return e;
      },
    });
    const recorder = L.executor("recorder2", 1, { featurize: (e: Ev) => (seen.push(e.i), e) });
    const p = L.pipeline("bounded", { version: 1 }, ({ source, sink }) => L.pipe(source("ev", Ev), L.apply(wait), L.apply(recorder), sink("out")));
    const n = 3 * MAX_IN_FLIGHT + 10;
    const running = run(p, { ev: Array.from({ length: n }, (_, i) => ({ i })) });
    await vi.waitFor(() => expect(inFlight).toBe(MAX_IN_FLIGHT), { timeout: 20_000 });
    // Let anything past the bound start, if the bound leaked.
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    expect(inFlight).toBe(MAX_IN_FLIGHT);
    open();
    const r = await running;
    expect(MAX_IN_FLIGHT).toBe(64);
    expect(most).toBe(MAX_IN_FLIGHT);
    expect(seen).toEqual(Array.from({ length: n }, (_, i) => i));
    expect(r.metrics["ev.apply"]).toMatchObject({ in: n, out: n });
  });
});

describe("apply: an executor that throws", () => {
  const Ev = t.type({ id: t.number });
  type Ev = t.TypeOf<typeof Ev>;
  const boom = L.executor("boom", 1, {
    featurize: (e: Ev) => {
      if (e.id === 2) throw new Error("kaboom");
      return e;
    },
  });
  const boomAsync = L.executor("boomAsync", 1, {
    featurize: async (e: Ev) => {
      await sleep(e.id === 1 ? 10 : 1);
      if (e.id === 2) throw new Error("kaboom");
      return e;
    },
  });
  const def = (ex: typeof boom) => L.pipeline("throws", { version: 1 }, ({ source, sink }) => L.pipe(source("ev", Ev), L.apply(ex), sink("out")));
  const input = [{ id: 1 }, { id: 2 }, { id: 3 }];

  it("fails the run with a message naming the stage, the executor and the element", async () => {
    await expect(run(def(boom), { ev: input })).rejects.toThrow('executor boom@1 in stage "ev.apply" threw on the element at ev:2 {"id":2}: kaboom');
  });

  it("fails the run the same way when an async executor rejects", async () => {
    await expect(run(def(boomAsync), { ev: input })).rejects.toThrow('executor boomAsync@1 in stage "ev.apply" threw on the element at ev:2 {"id":2}: kaboom');
  });

  it("sends the element to the dead letters with onExecutorError: deadLetter", async () => {
    for (const [ex, ref] of [
      [boom, "boom@1"],
      [boomAsync, "boomAsync@1"],
    ] as const) {
      const r = await run(def(ex), { ev: input }, { onExecutorError: "deadLetter" });
      expect(r.outputs.out).toEqual([{ id: 1 }, { id: 3 }]);
      expect(r.deadLetters).toEqual([{ source: "ev", offset: 2, stage: "ev.apply", reason: `executor ${ref} failed: kaboom`, value: { id: 2 } }]);
      expect(r.metrics["ev.apply"]).toMatchObject({ in: 3, out: 2, deadLetters: 1 });
    }
  });
});
