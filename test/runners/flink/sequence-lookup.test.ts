/**
 * `sequence` and point-in-time `lookup` on a real Flink against the
 * DirectRunner (docs/semantics.md §10): hand-made histories that hit every
 * tie rule — equal times ranked by id in value order (strings by UTF-16
 * code unit, where Flink's own order is by code point), one entry per id
 * with the content rule deciding between versions of equal time — and
 * generated sequence pipelines the compiler accepts on generated histories.
 */
import { join } from "node:path";
import fc from "fast-check";
import * as t from "io-ts";
import { describe, expect, inject, it } from "vitest";
import * as L from "../../../dsl/index.ts";
import { canonicalJson, compareStrings } from "../../../src/core/canonical.ts";
import { historiesFor } from "../../../src/parity/histories.ts";
import { buildPipeline, recipeArb } from "../../../src/parity/pipelines.ts";
import { compile } from "../../../src/plan/compile.ts";
import type { Pipeline } from "../../../src/plan/graph.ts";
import type { RunResult } from "../../../src/run/result.ts";
import { runDirect } from "../../../runners/direct/index.ts";
import { LONE_SURROGATE_PROBLEM } from "../../../runners/flink/column-value.ts";
import { explainFlink, runFlink } from "../../../runners/flink/index.ts";

const gateway = inject("flinkGateway");
const PIPELINES_MODULE = join(import.meta.dirname, "../../../src/parity/pipelines.ts");
const RUNS = Number(process.env.FLINK_PARITY_RUNS ?? 4);
const SEED = Number(process.env.FLINK_PARITY_SEED ?? 15);

const asSet = (xs: readonly unknown[]): string[] => xs.map(canonicalJson).sort(compareStrings);
const asFiles = (r: RunResult): Record<string, string[]> => Object.fromEntries(Object.entries(r.outputs).map(([k, rows]) => [k, rows.map(canonicalJson)]));

/** Runs `def` on both runners and asserts parity; returns the DirectRunner's result (undefined outside the Flink runner's strings). */
const checkParity = async (def: Pipeline, inputs: Record<string, readonly unknown[]>): Promise<RunResult | undefined> => {
  const direct = await runDirect(def, { inputs: structuredClone(inputs) });
  // The generated pipelines' executors (recipeExecutors) come from this module: bundled for GraalJS.
  const flink = await runFlink(def, { inputs, gateway, log: () => undefined, modules: [PIPELINES_MODULE] }).catch((e: unknown) => {
    // A lone surrogate in a string column fails a Flink run rather than changing its answer (docs/flink-runner.md).
    if (e instanceof Error && e.message.includes(LONE_SURROGATE_PROBLEM)) return undefined;
    throw e;
  });
  if (flink === undefined) return undefined;
  expect(asFiles(flink)).toEqual(asFiles(direct));
  expect(asSet(flink.deadLetters)).toEqual(asSet(direct.deadLetters));
  return direct;
};

describe("sequence on Flink", () => {
  it("ranks newest first, ties by id in value order, one entry per id by content (§10)", async () => {
    const Ev = t.intersection([t.type({ user: t.string, id: t.string, ts: t.number }), t.partial({ x: t.number })]);
    const def = L.pipeline("seq-ties", { version: 1 }, ({ source, sink }) =>
      L.pipe(
        source("events", Ev, { key: "user" }),
        L.withTimestamps((e) => e.field("ts")),
        L.keyBy("user"),
        L.sequence({ latest: 4, id: "id", fields: ["id", "ts", "x"], as: "seq" }),
        sink("seqs"),
      ),
    );
    // u1: four ids at ts 10 — "\u{1F600}" (astral: UTF-16 starts 0xD83D) sorts before "\uE000" by code unit,
    // after it by code point; "b" twice at ts 10 with different content: the greater canonical JSON wins
    // ({"id":"b","ts":10,"user":"u1","x":9} > …"x":10}); a fifth id at an older time falls off (latest 4).
    const events = [
      { user: "u1", id: "\uE000", ts: 10 },
      { user: "u1", id: "\u{1F600}", ts: 10, x: 1 },
      { user: "u1", id: "b", ts: 10, x: 10 },
      { user: "u1", id: "b", ts: 10, x: 9 },
      { user: "u1", id: "a", ts: 10 },
      { user: "u1", id: "old", ts: 5 },
      // u2: a later version of an id replaces the earlier one whatever the arrival order.
      { user: "u2", id: "a", ts: 7, x: 1 },
      { user: "u2", id: "a", ts: 3, x: 2 },
      { user: "u2", id: "c", ts: 5 },
    ];
    const direct = (await checkParity(def, { events }))!;
    expect(direct.outputs.seqs).toEqual([
      {
        user: "u1",
        seq: [
          { id: "a", ts: 10, x: null },
          { id: "b", ts: 10, x: 9 },
          { id: "\u{1F600}", ts: 10, x: 1 },
          { id: "\uE000", ts: 10, x: null },
        ],
      },
      {
        user: "u2",
        seq: [
          { id: "a", ts: 7, x: 1 },
          { id: "c", ts: 5, x: null },
        ],
      },
    ]);
  });

  it("number ids rank numerically and -0 is the id 0 (§1, §6)", async () => {
    const Ev = t.type({ k: t.string, id: t.number, ts: t.number });
    const def = L.pipeline("seq-numbers", { version: 1 }, ({ source, sink }) =>
      L.pipe(
        source("events", Ev),
        L.withTimestamps((e) => e.field("ts")),
        L.keyBy("k"),
        L.sequence({ latest: 3, id: "id", fields: ["id"], as: "ids" }),
        sink("out"),
      ),
    );
    const events = [10, 9, -0, 0, 100, -5].map((id) => ({ k: "a", id, ts: 1 }));
    const direct = (await checkParity(def, { events }))!;
    // -0 and 0 are one id (either version: they write alike).
    expect(canonicalJson(direct.outputs.out)).toBe(canonicalJson([{ k: "a", ids: [{ id: -5 }, { id: 0 }, { id: 9 }] }]));
  });

  const accepted = recipeArb.filter((r) => r.terminal.kind === "sequence" && explainFlink(buildPipeline(r)).refused === undefined);
  it(`generated sequence pipelines on generated histories (${RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(
        accepted.chain((recipe) => historiesFor(compile(buildPipeline(recipe)), { maxRecords: 40 }).map((h) => ({ recipe, h }))),
        async ({ recipe, h }) => {
          fc.pre((await checkParity(buildPipeline(recipe), h.inputs as Record<string, unknown[]>)) !== undefined);
        },
      ),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
  });
});

describe("point-in-time lookup on Flink", () => {
  const Ev = t.intersection([t.type({ user: t.string, ts: t.number }), t.partial({ item: t.union([t.string, t.null]), category: t.string })]);
  const Item = t.intersection([t.type({ itemId: t.union([t.string, t.null]), updatedAt: t.number }), t.partial({ category: t.string, rank: t.number })]);
  const def = L.pipeline("pit", { version: 1 }, ({ source, table, sink }) =>
    L.pipe(
      source("events", Ev, { key: "user" }),
      L.withTimestamps((e) => e.field("ts")),
      L.lookup(table("items", Item, { key: "itemId", validFrom: "updatedAt" }), { on: "item", take: { category: "category", rank: "rank" } }),
      sink("out"),
    ),
  );

  it("takes the version valid at the event time; equal validFrom: the greatest canonical JSON (§10)", async () => {
    const items = [
      { itemId: "i1", category: "a", updatedAt: 100, rank: 1 },
      { itemId: "i1", category: "b", updatedAt: 200 },
      // Two versions valid from 300: {"category":"d",…} sorts after {"category":"c",…}.
      { itemId: "i1", category: "d", updatedAt: 300 },
      { itemId: "i1", category: "c", updatedAt: 300, rank: 9 },
      { itemId: "i2", category: "x", updatedAt: -50 },
      // A missing key is null, and matches an element whose item is null or missing.
      { itemId: null, category: "nothing", updatedAt: 0 },
      // Not a finite validFrom: a dead letter of the table.
      { itemId: "i2", category: "y", updatedAt: "soon" },
    ];
    const events = [
      { user: "u", ts: 99, item: "i1", category: "kept-when-no-version" },
      { user: "u", ts: 100, item: "i1" },
      { user: "u", ts: 250, item: "i1" },
      { user: "u", ts: 300, item: "i1" },
      { user: "u", ts: 1e12, item: "i1" },
      { user: "u", ts: -50, item: "i2" },
      { user: "u", ts: 5, item: null },
      { user: "u", ts: 5 },
      { user: "u", ts: 5, item: "i3" },
    ];
    const direct = (await checkParity(def, { events, items }))!;
    const got = direct.outputs.out!.map((e) => {
      const x = e as { ts: number; item?: string | null; category: unknown; rank: unknown };
      return canonicalJson([x.ts, x.item ?? null, x.category, x.rank]);
    });
    const want = [
      [99, "i1", null, null],
      [100, "i1", "a", 1],
      [250, "i1", "b", null],
      [300, "i1", "d", null],
      [1e12, "i1", "d", null],
      [-50, "i2", "x", null],
      [5, null, "nothing", null],
      [5, null, "nothing", null],
      [5, "i3", null, null],
    ].map((x) => canonicalJson(x));
    expect(got.sort(compareStrings)).toEqual(want.sort(compareStrings));
    expect(direct.deadLetters.map((d) => [d.source, d.offset])).toEqual([["items", 7]]);
  });

  const accepted = recipeArb.filter((r) => r.pre.some((p) => p.kind === "lookup") && explainFlink(buildPipeline(r)).refused === undefined);
  it(`generated pipelines with a lookup on generated histories (${RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(
        accepted.chain((recipe) => historiesFor(compile(buildPipeline(recipe)), { maxRecords: 40 }).map((h) => ({ recipe, h }))),
        async ({ recipe, h }) => {
          fc.pre((await checkParity(buildPipeline(recipe), h.inputs as Record<string, unknown[]>)) !== undefined);
        },
      ),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
  });
});
