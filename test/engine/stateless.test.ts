/**
 * map, filter, flatMap and keyBy on the DirectRunner (docs/semantics.md §4, §6).
 * Every expectation is worked out by hand from the contract.
 */
import * as t from "io-ts";
import { describe, expect, it } from "vitest";
import * as L from "../../dsl/index.ts";
import { canonicalJson } from "../../src/core/canonical.ts";
import { deadAt, run } from "./direct-harness.ts";

describe("map", () => {
  const Row = t.intersection([t.type({ id: t.number, name: t.string, ms: t.number, d: t.number }), t.partial({ x: t.number })]);
  const p = L.pipeline("map", { version: 1 }, ({ source, sink }) =>
    L.pipe(
      source("ev", Row),
      L.map((e) => ({ id: e.field("id"), upper: e.field("name").upper(), per: e.field("ms").div(e.field("d")), x: e.field("x") })),
      sink("out"),
    ),
  );

  it("replaces each element with the struct; a missing field and a division by zero read as null", async () => {
    const r = await run(p, {
      ev: [
        { id: 1, name: "ab", ms: 1500, d: 1000 },
        { id: 2, name: "Cd", ms: 7, d: 0, x: 3 },
      ],
    });
    expect(r.outputs.out).toEqual([
      { id: 1, upper: "AB", per: 1.5, x: null },
      { id: 2, upper: "CD", per: null, x: 3 },
    ]);
    expect(r.metrics["ev.map"]).toMatchObject({ in: 2, out: 2 });
  });
});

describe("filter", () => {
  const Row = t.intersection([t.type({ id: t.number }), t.partial({ x: t.union([t.number, t.string]) })]);
  const p = L.pipeline("filter", { version: 1 }, ({ source, sink }) =>
    L.pipe(
      source("ev", Row),
      L.filter((e) => e.field("x").gt(2)),
      sink("out"),
    ),
  );

  it("keeps only elements whose condition is exactly true (false and null drop)", async () => {
    // x=5 → true; x=1 → false; x missing → null; x="9" → comparison of different types → null; x=3 → true.
    const r = await run(p, { ev: [{ id: 1, x: 5 }, { id: 2, x: 1 }, { id: 3 }, { id: 4, x: "9" }, { id: 5, x: 3 }] });
    expect(r.outputs.out).toEqual([
      { id: 1, x: 5 },
      { id: 5, x: 3 },
    ]);
    expect(r.metrics["ev.filter"]).toMatchObject({ in: 5, out: 2 });
    expect(r.deadLetters).toEqual([]);
  });
});

describe("flatMap", () => {
  const Row = t.type({ id: t.number, tags: t.unknown });
  const seen: unknown[] = [];
  const recorder = L.executor("recordOrder", 1, { featurize: (e: { tag: unknown }) => (seen.push(e.tag), e) });
  const p = L.pipeline("flat", { version: 1 }, ({ source, sink }) =>
    L.pipe(
      source("ev", Row),
      L.flatMap((e) => e.field("tags") as L.Expr<unknown[] | null>, { as: "tag" }),
      L.apply(recorder),
      sink("out"),
    ),
  );

  it("emits { [as]: item } per item in array order; null and [] yield nothing; a non-array is a dead letter", async () => {
    seen.length = 0;
    const r = await run(p, {
      ev: [
        { id: 1, tags: ["b", "a"] },
        { id: 2, tags: null },
        { id: 3, tags: "x" },
        { id: 4, tags: [] },
        { id: 5, tags: [1, null, { z: 1 }] },
      ],
    });
    // Array order, element after element.
    expect(seen).toEqual(["b", "a", 1, null, { z: 1 }]);
    // The final view of unkeyed rows is sorted by canonical JSON: `"a"` < `"b"` < `1` < `null` < `{`.
    expect(r.outputs.out).toEqual([{ tag: "a" }, { tag: "b" }, { tag: 1 }, { tag: null }, { tag: { z: 1 } }]);
    expect(deadAt(r)).toEqual([["ev", 3, "ev.flatMap"]]);
    expect(r.deadLetters[0]!.reason).toMatch(/not an array/);
    expect(r.deadLetters[0]!.value).toEqual({ id: 3, tags: "x" });
    expect(r.metrics["ev.flatMap"]).toMatchObject({ in: 5, out: 5, deadLetters: 1 });
  });

  it("items keep the element's event time and key", async () => {
    const Ev = t.type({ u: t.string, ts: t.number, tags: t.array(t.string) });
    const q = L.pipeline("flat-keyed", { version: 1 }, ({ source, sink }) =>
      L.pipe(
        source("ev", Ev, { key: "u" }),
        L.withTimestamps((e) => e.field("ts")),
        L.keyBy("u"),
        L.flatMap((e) => e.field("tags"), { as: "tag" }),
        L.window(L.fixed(10)),
        L.combine({ n: L.count() }),
        sink("out"),
      ),
    );
    const r = await run(q, {
      ev: [
        { u: "a", ts: 3, tags: ["z"] },
        { u: "a", ts: 12, tags: ["x", "y"] },
        { u: "b", ts: 15, tags: ["w"] },
      ],
    });
    expect(r.outputs.out).toEqual([
      { u: "a", windowStart: 0, windowEnd: 10, n: 1 },
      { u: "a", windowStart: 10, windowEnd: 20, n: 2 },
      { u: "b", windowStart: 10, windowEnd: 20, n: 1 },
    ]);
    expect(r.late).toEqual([]);
  });
});

describe("keyBy", () => {
  const Row = t.intersection([t.type({ u: t.string, v: t.number }), t.partial({ d: t.string })]);
  const input = [
    { u: "b", v: 1 },
    { u: "a", v: 2 },
    { u: "b", v: 3, d: "x" },
    { u: "a", v: 4, d: "x" },
    { u: "a", v: 5 },
  ];

  it("keys by one field: one row per key, sorted by key", async () => {
    const p = L.pipeline("key1", { version: 1 }, ({ source, sink }) =>
      L.pipe(source("ev", Row), L.keyBy("u"), L.combine({ n: L.count(), s: L.sum("v") }), sink("out")),
    );
    const r = await run(p, { ev: input });
    expect(r.outputs.out).toEqual([
      { u: "a", n: 3, s: 11 },
      { u: "b", n: 2, s: 4 },
    ]);
  });

  it("keys by several fields; a missing field is a null key value", async () => {
    const p = L.pipeline("key2", { version: 1 }, ({ source, sink }) =>
      L.pipe(source("ev", Row), L.keyBy(["u", "d"]), L.combine({ n: L.count(), s: L.sum("v") }), sink("out")),
    );
    const r = await run(p, { ev: input });
    // (b,null): v1; (a,null): v2+v5; (b,x): v3; (a,x): v4. Compared as a set: the order of
    // multi-field keys is a question for the final view (see the report), not for keyBy.
    expect(new Set(r.outputs.out!.map(canonicalJson))).toEqual(
      new Set(
        [
          { u: "b", d: null, n: 1, s: 1 },
          { u: "a", d: null, n: 2, s: 7 },
          { u: "b", d: "x", n: 1, s: 3 },
          { u: "a", d: "x", n: 1, s: 4 },
        ].map(canonicalJson),
      ),
    );
    expect(r.outputs.out).toHaveLength(4);
  });

  it("compares key values as canonical JSON (object field order does not matter)", async () => {
    const Obj = t.type({ o: t.unknown });
    const p = L.pipeline("key-obj", { version: 1 }, ({ source, sink }) => L.pipe(source("ev", Obj), L.keyBy("o"), L.combine({ n: L.count() }), sink("out")));
    const r = await run(p, { ev: [{ o: { a: 1, b: 2 } }, { o: [1, 2] }, { o: { b: 2, a: 1 } }] });
    // Arrays sort before objects.
    expect(r.outputs.out).toEqual([
      { o: [1, 2], n: 1 },
      { o: { a: 1, b: 2 }, n: 2 },
    ]);
  });

  it("the key travels through later stateless stages even when the fields change", async () => {
    const p = L.pipeline("key-travels", { version: 1 }, ({ source, sink }) =>
      L.pipe(
        source("ev", Row),
        L.keyBy("u"),
        L.map((e) => ({ w: e.field("v").mul(2) })),
        L.combine({ n: L.count(), s: L.sum("w") }),
        sink("out"),
      ),
    );
    const r = await run(p, { ev: input });
    expect(r.outputs.out).toEqual([
      { u: "a", n: 3, s: 22 },
      { u: "b", n: 2, s: 8 },
    ]);
  });
});
