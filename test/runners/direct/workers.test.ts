/**
 * The DirectRunner on worker threads (`workers`): a plan that needs no exchange runs split by source
 * key and gives exactly the one-thread final views, dead letters, late elements (in their written
 * order) and metrics; any other run goes on one thread, says why once, and gives the same output.
 */
import * as t from "io-ts";
import * as L from "lockstep";
import { describe, expect, it } from "vitest";
import { DefinitionError, RunError } from "../../../src/core/errors.ts";
import { Ev, recipeExecutors } from "../../../src/parity/pipelines.ts";
import type { Pipeline } from "../../../src/plan/graph.ts";
import { sideOutputOrder } from "../../../src/run/side-outputs.ts";
import { runDirect } from "../../../runners/direct/index.ts";
import type { DirectRunOptions, DirectRunResult } from "../../../runners/direct/index.ts";
import perUser from "../../../bench/user-sequences-per-user.ts";
import userSequences from "../../../examples/user-sequences.ts";
import wordcount from "../../../examples/wordcount.ts";
import windowCount from "../../../examples/window-count.ts";
import { boom, REGISTRIES_MODULE } from "./registries.ts";

/** What must not depend on the threads: everything a run gives, side outputs in their written order. */
const observable = (r: DirectRunResult) => ({
  outputs: r.outputs,
  deadLetters: sideOutputOrder(r.deadLetters),
  late: sideOutputOrder(r.late),
  metrics: r.metrics,
});

/** Runs `def` on one thread and on `workers`; returns both and the lines logged. */
const both = async (def: Pipeline, opts: DirectRunOptions, workers: number) => {
  const logged: string[] = [];
  const one = await runDirect(def, opts);
  const many = await runDirect(def, { ...opts, workers, log: (l) => logged.push(l) });
  return { one, many, logged };
};

/** Flagship-shaped events over `users` users: out of order, duplicate ids, unknown types, bad lines. */
const events = (n: number, users: number): unknown[] => {
  const types = ["save", "click", "view", "hide"];
  const out: unknown[] = [];
  for (let i = 0; i < n; i++) {
    const u = (i * 7919) % users;
    if (i % 997 === 0) out.push(i % 2 === 0 ? "not an object" : { userId: `u${u}`, eventId: `e${i}`, type: "like", itemId: "i1", ts: i });
    else
      out.push({
        eventId: `e${i % 5000}`,
        userId: `u${u}`,
        itemId: `i${i % 40}`,
        type: types[i % 4],
        ts: i * 10 - ((i * 31) % 500),
        durationMs: (i * 13) % 2000,
      });
  }
  return out;
};
const items = Array.from({ length: 40 }, (_, i) => ({ itemId: `i${i}`, category: `c${i % 7}`, updatedAt: i % 3 === 0 ? 5000 : 0 }));

describe("DirectRunner with workers", () => {
  it("the flagship needs an exchange (dedupe by eventId): it runs on one thread, says why once, and gives the same output", async () => {
    const inputs = { events: "examples/data/events.jsonl", items: "examples/data/items.jsonl" };
    const { one, many, logged } = await both(userSequences, { inputs }, 2);
    expect(many.threads).toBe(1);
    expect(logged).toEqual(['workers 2: pipeline "user-sequences" needs a repartition before stage "events.dedupe"; running on one thread']);
    expect(observable(many)).toEqual(observable(one));
    expect(one.outputs.sequences!.length).toBeGreaterThan(0);
  });

  for (const workers of [2, 3]) {
    it(`the flagship per user, with its data, on ${workers} threads: the same output`, async () => {
      const inputs = { events: "examples/data/events.jsonl", items: "examples/data/items.jsonl" };
      const { one, many, logged } = await both(perUser, { inputs }, workers);
      expect(many.threads).toBe(workers);
      expect(logged).toEqual([]);
      expect(observable(many)).toEqual(observable(one));
      expect(one.deadLetters.length).toBeGreaterThan(0);
    });
  }

  it("the flagship per user over 60k generated events (many batches per thread), on 3 threads: the same output", async () => {
    const inputs = { events: events(60_000, 3000), items };
    const { one, many } = await both(perUser, { inputs }, 3);
    expect(many.threads).toBe(3);
    expect(observable(many)).toEqual(observable(one));
    expect(one.deadLetters.length).toBeGreaterThan(50);
    // A user's events all have one i mod 4 (3000 users, 4 | 3000): the quarter with only hides has no sequence.
    expect(one.outputs.sequences!.length).toBe(2250);
  }, 60_000);

  it("windows with late elements, split by source key: the same counts and late elements", async () => {
    const { one, many } = await both(windowCount, { inputs: { events: "examples/data/window-events.jsonl" } }, 2);
    expect(many.threads).toBe(2);
    expect(one.late.length).toBeGreaterThan(0);
    expect(observable(many)).toEqual(observable(one));
  });

  it("wordcount (a keyBy after a flatMap) runs on one thread and says so", async () => {
    const { one, many, logged } = await both(wordcount, { inputs: { lines: "examples/data/lines.jsonl" } }, 2);
    expect(many.threads).toBe(1);
    expect(logged).toEqual(['workers 2: pipeline "wordcount" needs a repartition before stage "lines.combine"; running on one thread']);
    expect(observable(many)).toEqual(observable(one));
  });

  it("state in LMDB and a handoff checkpoint run on one thread", async () => {
    const inputs = { events: "examples/data/window-events.jsonl" };
    const lmdb = await both(windowCount, { inputs, state: "lmdb" }, 2);
    expect(lmdb.many.threads).toBe(1);
    expect(lmdb.logged).toEqual(["workers 2: state in LMDB (--state lmdb) is one engine's; running on one thread"]);
    expect(observable(lmdb.many)).toEqual(observable(lmdb.one));
    const handoff = await both(windowCount, { inputs, onCheckpoint: () => {} }, 2);
    expect(handoff.many.threads).toBe(1);
    expect(handoff.logged).toEqual(["workers 2: a handoff checkpoint is the state of one engine; running on one thread"]);
  });

  describe("executors", () => {
    const Keyed = L.pipeline("positive-per-k", { version: 1 }, ({ source, sink }) =>
      L.pipe(source("events", Ev, { key: "k" }), L.apply(recipeExecutors.positive), L.apply(boom), sink("out")),
    );
    const rows = Array.from({ length: 2000 }, (_, i) => ({ id: `e${i}`, k: `k${i % 50}`, ts: i, x: (i % 11) - 5, s: "s", tag: "a" }));

    it("a pipeline value's executors cannot be sent to a thread: without workerRegistry it runs on one thread", async () => {
      const { one, many, logged } = await both(Keyed, { inputs: { events: rows } }, 2);
      expect(many.threads).toBe(1);
      expect(logged).toHaveLength(1);
      expect(logged[0]).toMatch(/cannot load \(give workerRegistry/);
      expect(observable(many)).toEqual(observable(one));
    });

    it("with workerRegistry the workers load them from the module and give the same output", async () => {
      const { one, many } = await both(Keyed, { inputs: { events: rows }, workerRegistry: { module: REGISTRIES_MODULE } }, 2);
      expect(many.threads).toBe(2);
      expect(observable(many)).toEqual(observable(one));
      expect(one.outputs.out!.length).toBeGreaterThan(0);
    });

    it("a workerRegistry module without the export fails the run, naming the module (no hang)", async () => {
      const module = new URL("../../../src/parity/pipelines.ts", import.meta.url).href;
      await expect(runDirect(Keyed, { inputs: { events: rows }, workers: 2, workerRegistry: { module } })).rejects.toThrow(
        `${module} has no export workerRegistry(arg)`,
      );
    });

    it("an executor that throws fails the run with the same RunError as on one thread", async () => {
      const bad = [...rows, { id: "x", k: "k1", ts: 1, x: 13, s: "s", tag: "a" }];
      const opts = { inputs: { events: bad }, workerRegistry: { module: REGISTRIES_MODULE } };
      const one = await runDirect(Keyed, opts).catch((e: unknown) => e);
      const many = await runDirect(Keyed, { ...opts, workers: 2 }).catch((e: unknown) => e);
      expect(one).toBeInstanceOf(RunError);
      expect(many).toBeInstanceOf(RunError);
      expect((many as RunError).message).toBe((one as RunError).message);
      expect((many as RunError).stage).toBe((one as RunError).stage);
    });
  });

  it("refuses a number of workers that is not a whole number ≥ 1", async () => {
    for (const workers of [0, 1.5, -2]) {
      await expect(runDirect(windowCount, { inputs: { events: [] }, workers })).rejects.toBeInstanceOf(DefinitionError);
    }
  });

  it("an unkeyed source's records all go to one thread: still the same output", async () => {
    const Unkeyed = L.pipeline("unkeyed", { version: 1 }, ({ source, sink }) =>
      L.pipe(
        source("events", t.type({ n: t.number })),
        L.filter((e) => e.field("n").mod(3).neq(0)),
        sink("out"),
      ),
    );
    const inputs = { events: [...Array.from({ length: 9000 }, (_, n) => ({ n })), null, { n: "x" }] };
    const { one, many } = await both(Unkeyed, { inputs }, 2);
    expect(many.threads).toBe(2);
    expect(observable(many)).toEqual(observable(one));
    expect(one.deadLetters).toHaveLength(2);
  });
});
