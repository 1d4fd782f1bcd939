/**
 * The final view in LMDB (src/engine/lmdb-final-view.ts) holds what the view
 * in memory holds, in the same order: on generated element streams (pane
 * markers, rows, unkeyed rows, equal rows, re-opened panes) through buffers of
 * 1 to 1,000 rows, with pane keys and rows holding astral and U+E000–U+FFFF
 * characters, lone surrogates, and row keys far past LMDB's key size — long
 * keys that share their whole stored prefix and differ only after it. And on
 * the parity suite's generated pipelines × histories, the DirectRunner's
 * outputs are the same arrays — rows in the same order, which the parity
 * comparison (by output key) does not check — with state and views in LMDB.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson } from "../../src/core/canonical.ts";
import { elem as makeElem } from "../../src/engine/elem.ts";
import type { Elem } from "../../src/engine/elem.ts";
import { FinalView } from "../../src/engine/final-view.ts";
import { MAX_KEY_BYTES } from "../../src/engine/lmdb-final-view.ts";
import { LmdbStateBackend } from "../../src/engine/lmdb-state.ts";
import { historyArb } from "../../src/parity/histories.ts";
import type { History } from "../../src/parity/histories.ts";
import { buildPipeline, inputsOfRecipe, recipeArb, recipeHistoryModel } from "../../src/parity/pipelines.ts";
import type { Recipe } from "../../src/parity/pipelines.ts";
import { resolveDefinition } from "../../src/run/definition.ts";
import { runDirect } from "../../runners/direct/runner.ts";

/** A sink element: a row (or a marker) with its pane key, if any. */
const elem = (v: unknown, pane: { pk?: string; pkv?: readonly unknown[]; marker?: boolean } = {}): Elem =>
  makeElem({ v, ...pane, origin: { source: "s", offset: 0 } });

/** The rows of `elems` through the memory view and through LMDB views with each buffer size, as canonical JSON. */
const bothViews = async (elems: readonly Elem[], buffers: readonly number[]): Promise<{ memory: string[]; lmdb: string[][] }> => {
  const mem = new FinalView();
  for (const e of elems) mem.add(e);
  const lmdb: string[][] = [];
  for (const cacheEntries of buffers) {
    const backend = new LmdbStateBackend({ cacheEntries });
    try {
      const view = backend.finalView("out");
      for (const e of elems) view.add(e);
      const rows = [...view.rows()].map(canonicalJson);
      expect(view.size).toBe(rows.length);
      // Iterable more than once (CSV reads its rows twice): the same rows again.
      expect([...view.rows()].map(canonicalJson)).toEqual(rows);
      lmdb.push(rows);
    } finally {
      await backend.close();
    }
  }
  expect(mem.size).toBe(mem.rows().length);
  return { memory: mem.rows().map(canonicalJson), lmdb };
};

// Long pieces: past MAX_KEY_BYTES on their own, so rows with them share the whole stored prefix of their key.
const LONG = "x".repeat(MAX_KEY_BYTES + 10);
const PIECES = ["a", "b", "", "\u{1F600}", "\ue000", "\uffff", "\ud800", "\u0000", "é", LONG, `${LONG}\u{1F600}`, `${LONG}\ue000`];
const text = fc.array(fc.constantFrom(...PIECES), { maxLength: 3 }).map((xs) => xs.join(""));
const rowValue = fc.oneof(
  fc.record({ s: text, n: fc.constantFrom(0, -0, 1, 2.5, -1, Infinity, -Infinity) }),
  fc.record({ s: text, seq: fc.array(text, { maxLength: 2 }) }),
);
/** A step on one of a few pane keys: a marker, a row, or an unkeyed row. */
const step = fc.record({
  kind: fc.constantFrom("marker", "row", "row", "row", "unkeyed"),
  key: fc.integer({ min: 0, max: 5 }),
  row: rowValue,
});
// Pane keys whose values sort differently in UTF-8 and UTF-16, and one too long for LMDB as a pane key too.
const PANE_KEYS: readonly (readonly unknown[])[] = [["\u{1F600}"], ["\ue000"], ["a", 1], ["a", -1], [LONG + LONG], [null]];
const elemOf = (s: { kind: string; key: number; row: unknown }): Elem => {
  if (s.kind === "unkeyed") return elem(s.row);
  const pkv = PANE_KEYS[s.key]!;
  // Two pane keys share output key values (two stages writing one sink): their rows sort together.
  const pk = `stage${s.key % 2}|${canonicalJson(pkv)}`;
  return s.kind === "marker" ? elem(null, { pk, pkv, marker: true }) : elem(s.row, { pk, pkv });
};

describe("LmdbFinalView", () => {
  it("holds the memory view's rows in its order, on generated element streams", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 40 }), async (steps) => {
        const elems = steps.map(elemOf);
        const { memory, lmdb } = await bothViews(elems, [1, 3, 1000]);
        for (const rows of lmdb) expect(rows).toEqual(memory);
      }),
      { numRuns: 60 },
    );
  });

  it("orders long keys that share their stored prefix by what follows it, and keeps equal rows", async () => {
    const pkv = ["k"];
    const rows = [`${LONG}\ue000`, `${LONG}\u{1F600}`, `${LONG}b`, `${LONG}a`, `${LONG}a`, "short", `${LONG}`].map((s) => ({ s }));
    const elems = [elem(null, { pk: "p", pkv, marker: true }), ...rows.map((r) => elem(r, { pk: "p", pkv })), ...rows.map((r) => elem(r))];
    const { memory, lmdb } = await bothViews(elems, [2, 1000]);
    expect(memory.length).toBe(14);
    // Code unit order ("s" before "x"; U+1F600, D83D…, before U+E000).
    expect(memory.slice(0, 7).map((j) => (JSON.parse(j) as { s: string }).s.replace(LONG, "L"))).toEqual([
      "short",
      "L",
      "La",
      "La",
      "Lb",
      "L\u{1F600}",
      "L\ue000",
    ]);
    for (const r of lmdb) expect(r).toEqual(memory);
  });

  it("removes a retracted pane's rows written in earlier transactions", async () => {
    const pkv = ["k"];
    const elems = [
      elem({ n: 1 }, { pk: "p", pkv }),
      elem({ n: 2 }, { pk: "p", pkv }),
      elem({ n: 3 }, { pk: "q", pkv: ["j"] }),
      elem(null, { pk: "p", pkv, marker: true }),
      elem(null, { pk: "q", pkv: ["j"], marker: true }),
      elem({ n: 4 }, { pk: "q", pkv: ["j"] }),
    ];
    const { memory, lmdb } = await bothViews(elems, [1, 2, 1000]);
    expect(memory).toEqual(['{"n":4}']);
    for (const r of lmdb) expect(r).toEqual(memory);
  });
});

describe("the DirectRunner with its final views in LMDB", () => {
  it("returns the same rows in the same order as in memory, on generated pipelines × histories", async () => {
    let ordered = 0; // sinks with more than one row: where an order can be wrong
    await fc.assert(
      fc.asyncProperty(recipeArb, historyArb(recipeHistoryModel), async (recipe: Recipe, h: History) => {
        const { plan, registry } = resolveDefinition(buildPipeline(recipe), undefined);
        const used = inputsOfRecipe(recipe);
        const names = new Set([...used.sources, ...used.tables]);
        const inputs = Object.fromEntries(Object.entries(h.inputs).filter(([k]) => names.has(k)));
        const run = (state: "memory" | { lmdb: { cacheEntries: number } }) =>
          runDirect(plan, { inputs, registry, onExecutorError: "deadLetter", state }).then(
            (r) => {
              for (const rows of Object.values(r.outputs)) if (rows.length > 1) ordered++;
              return canonicalJson(r.outputs);
            },
            (e: unknown) => `failed: ${(e as Error).message}`,
          );
        expect(await run({ lmdb: { cacheEntries: 3 } })).toBe(await run("memory"));
      }),
      { numRuns: 100 },
    );
    expect(ordered).toBeGreaterThan(20);
  }, 300_000);
});
