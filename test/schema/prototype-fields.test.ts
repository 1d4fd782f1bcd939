/**
 * Fields named after Object.prototype members (issue 13, defect 6): a record
 * lacking an optional `constructor` or `toString` field is valid, and reads
 * the field as null wherever a field is read by name (decoder, keyBy,
 * dedupe, sequence, dispatch, expressions), on the DirectRunner and the
 * Arquero runner alike.
 */
import * as t from "io-ts";
import { describe, expect, it } from "vitest";
import * as L from "../../dsl/index.ts";
import { runArquero } from "../../runners/arquero/index.ts";
import { runDirect } from "../../runners/direct/index.ts";
import { fromSchema } from "../../src/schema/from-schema.ts";
import { makeDecoder } from "../../src/schema/decode.ts";
import type { SchemaJson } from "../../src/schema/json-schema.ts";

const Ev = t.intersection([
  t.type({ key: t.string, ts: t.number }),
  t.partial({ constructor: t.string, toString: t.number, valueOf: t.string, hasOwnProperty: t.type(Object.fromEntries([["__proto__", t.string]])) }),
]);

describe("decoding", () => {
  it("accepts a record lacking optional prototype-named fields and keeps it unchanged", () => {
    const decode = makeDecoder(Ev);
    const v = { key: "a", ts: 1 };
    expect(decode(v)).toEqual({ ok: true, value: v });
    expect((decode(v) as { value: unknown }).value).toBe(v);
    expect(Object.getPrototypeOf((decode(v) as { value: object }).value)).toBe(Object.prototype);
  });

  it("still checks them when present, with the usual reasons", () => {
    const decode = makeDecoder(Ev);
    expect(decode({ key: "a", ts: 1, constructor: 5 })).toEqual({ ok: false, reason: 'field "constructor": expected string, got 5' });
    expect(decode(JSON.parse('{"key":"a","ts":1,"hasOwnProperty":{}}'))).toEqual({ ok: false, reason: 'missing field "hasOwnProperty.__proto__"' });
    expect(decode(JSON.parse('{"key":"a","ts":1,"hasOwnProperty":{"__proto__":"x"}}')).ok).toBe(true);
  });

  it("the same for a schema loaded from a definition (exact object)", () => {
    const schema = JSON.parse(
      '{"type":"object","properties":{"toString":{"type":"string"},"valueOf":{"type":"number"}},"required":[],"exact":true}',
    ) as SchemaJson;
    const decode = makeDecoder(fromSchema(schema));
    expect(decode({})).toEqual({ ok: true, value: {} });
    const r = decode({ toString: "x", extra: 1 });
    expect(r).toEqual({ ok: true, value: { toString: "x" } });
    expect(Object.getPrototypeOf((r as { value: object }).value)).toBe(Object.prototype);
  });
});

describe("running", () => {
  const p = L.pipeline("proto", { version: 1 }, ({ source, sink }) =>
    L.pipe(
      source("events", Ev, { key: "key" }),
      L.withTimestamps((e) => e.field("ts")),
      L.dedupe("valueOf"),
      L.keyBy("constructor"),
      L.combine({ n: L.count(), c: L.collect((e) => e.field("toString")) }),
      sink("out"),
    ),
  );
  const events: unknown[] = [
    { key: "a", ts: 1 },
    { key: "b", ts: 2, constructor: "x", toString: 3, valueOf: "v1" },
    { key: "b", ts: 3, constructor: "x", toString: 4, valueOf: "v1" }, // a duplicate by valueOf
    { key: "c", ts: 4, toString: 5, valueOf: "v2" },
  ];

  it.each([
    ["direct", runDirect],
    ["arquero", runArquero],
  ] as const)("%s: no dead letters, missing fields read as null", async (_name, run) => {
    const r = await run(p, { inputs: { events } });
    expect(r.deadLetters).toEqual([]);
    // Records 1 and 4 lack "constructor" (key null); record 1 also lacks "valueOf" (dedupe id null, first of its id).
    expect(r.outputs["out"]).toEqual([
      { constructor: null, n: 2, c: [5] },
      { constructor: "x", n: 1, c: [3] },
    ]);
  });
});

describe("fields written under a prototype name", () => {
  // A lookup whose take writes a field named "__proto__": `out["__proto__"] = v` would set the
  // output row's prototype and the field would vanish from the final view.
  const Item = t.type({ itemId: t.string, category: t.string, at: t.number });
  const Ev2 = t.type({ id: t.number, itemId: t.string, ts: t.number });
  const take = Object.fromEntries([
    ["__proto__", "category"],
    ["constructor", "itemId"],
  ]) as Record<string, "category" | "itemId">;
  const p = L.pipeline("proto-take", { version: 1 }, ({ source, table, sink }) =>
    L.pipe(
      source("ev", Ev2),
      L.withTimestamps((e) => e.field("ts")),
      L.lookup(table("items", Item, { key: "itemId", validFrom: "at" }), { on: "itemId", take }),
      sink("out"),
    ),
  );
  const inputs = { ev: [{ id: 1, itemId: "i1", ts: 5 }], items: [{ itemId: "i1", category: "books", at: 0 }] };

  it.each([
    ["direct", runDirect],
    ["arquero", runArquero],
  ] as const)("stay own fields of the row on %s", async (_name, runner) => {
    const r = await runner(p, { inputs });
    const [row] = r.outputs.out as Record<string, unknown>[];
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
    expect(Object.hasOwn(row!, "__proto__")).toBe(true);
    expect(JSON.parse(JSON.stringify(row))).toEqual(JSON.parse('{"id":1,"itemId":"i1","ts":5,"__proto__":"books","constructor":"i1"}'));
  });
});
