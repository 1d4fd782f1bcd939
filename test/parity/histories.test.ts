/**
 * Histories derived from a pipeline's own schemas: valid where they should
 * be, plain JSON, faithful to the §14 dedupe condition, and rich — many
 * skewed keys, out-of-order and late data, duplicates, bursts, empty inputs,
 * table versions, unicode and extreme numbers.
 */
import fc from "fast-check";
import * as t from "io-ts";
import { describe, expect, it } from "vitest";
import * as L from "../../dsl/index.ts";
import { canonicalJson } from "../../src/core/canonical.ts";
import { compile } from "../../src/plan/index.ts";
import { historiesFor, historyArb, interestingDeltas } from "../../src/parity/histories.ts";
import type { History } from "../../src/parity/histories.ts";
import { historyModelOf } from "../../src/parity/model.ts";
import { makeDecoder } from "../../src/schema/decode.ts";
import { fromSchema } from "../../src/schema/from-schema.ts";
import { runDirect } from "../../runners/direct/index.ts";
import userSequences from "../../examples/user-sequences.ts";

/** A user's own event type, with every schema kind. */
const Order = t.intersection([
  t.type({
    orderId: t.string,
    customer: t.string,
    placedAt: t.number,
    qty: t.Int,
    price: t.number,
    status: t.keyof({ new: null, paid: null, shipped: null }),
    express: t.boolean,
    lines: t.array(t.type({ sku: t.string, n: t.number })),
    attrs: t.record(t.string, t.string),
    channel: t.union([t.literal("web"), t.literal("app"), t.null]),
  }),
  t.partial({ coupon: t.string, note: t.unknown }),
]);
const Price = t.type({ customer: t.string, tier: t.string, since: t.number });

const orders = L.pipeline("orders", { version: 1 }, ({ source, table, sink }) =>
  L.pipe(
    source("orders", Order, { key: "customer" }),
    L.withTimestamps((e) => e.field("placedAt")),
    L.dedupe("orderId"),
    L.lookup(table("tiers", Price, { key: "customer", validFrom: "since" }), { on: "customer", take: { tier: "tier" } }),
    L.keyBy("customer"),
    L.window(L.fixed("1m"), { allowedLateness: "10s" }),
    L.combine({ n: L.count(), revenue: L.sum("price") }),
    sink("revenue"),
  ),
);
const plan = compile(orders);
const model = historyModelOf(plan);
const sample = (opts = {}, n = 300, seed = 1): History[] => fc.sample(historyArb(model, opts), { numRuns: n, seed });

type Row = Record<string, unknown>;
const objects = (rows: readonly unknown[]): Row[] => rows.filter((r): r is Row => typeof r === "object" && r !== null && !Array.isArray(r));

describe("the history model read off a plan", () => {
  it("finds the event-time field, keys, ids and the durations whose edges matter", () => {
    expect(model.inputs.map((i) => [i.id, i.kind, i.key, i.time])).toEqual([
      ["orders", "source", ["customer"], "placedAt"],
      ["tiers", "table", ["customer"], "since"],
    ]);
    expect(model.keyish).toEqual(["customer"]);
    expect(model.ids).toEqual(["orderId"]);
    expect(model.durations).toEqual([10_000, 60_000, 70_000]);
    expect(interestingDeltas(model.durations)).toEqual([0, 1, 9999, 10_000, 10_001, 59_999, 60_000, 60_001, 69_999, 70_000, 70_001]);
  });

  it("takes the event time only from a field read", () => {
    const p = L.pipeline("computed-time", { version: 1 }, ({ source, sink }) =>
      L.pipe(
        source("s", t.type({ at: t.number }), {}),
        L.withTimestamps((e) => e.field("at").mul(1000)),
        sink("out"),
      ),
    );
    expect(historyModelOf(compile(p)).inputs[0]!.time).toBeNull();
    expect(historyModelOf(compile(userSequences)).inputs.map((i) => [i.id, i.time])).toEqual([
      ["events", "ts"],
      ["items", "updatedAt"],
    ]);
  });
});

describe("generated histories", () => {
  const hs = sample();

  const schemaOf = (id: string) => model.inputs.find((i) => i.id === id)!.schema;
  const decodeOrder = makeDecoder(fromSchema(schemaOf("orders")));
  const decodePrice = makeDecoder(fromSchema(schemaOf("tiers")));

  it("decode with the user's own codecs (dead letters off)", () => {
    for (const h of sample({ deadLetters: false }, 200, 2)) {
      for (const r of h.inputs.orders!) expect(decodeOrder(r).ok, JSON.stringify(r)).toBe(true);
      for (const r of h.inputs.tiers!) expect(decodePrice(r).ok, JSON.stringify(r)).toBe(true);
    }
  });

  it("are plain JSON: finite numbers, no -0, integer fields within ±(2^53 − 1)", () => {
    const walk = (v: unknown): void => {
      if (typeof v === "number") {
        expect(Number.isFinite(v)).toBe(true);
        expect(Object.is(v, -0)).toBe(false);
      } else if (Array.isArray(v)) v.forEach(walk);
      else if (typeof v === "object" && v !== null) Object.values(v).forEach(walk);
    };
    for (const h of hs) {
      expect(JSON.parse(JSON.stringify(h.inputs))).toEqual(h.inputs);
      walk(h.inputs);
      for (const o of objects(h.inputs.orders!)) if (typeof o.qty === "number") expect(Number.isSafeInteger(o.qty)).toBe(true);
    }
  });

  it("keep equal ids with different content within one source key (§14 dedupe)", () => {
    for (const h of hs) {
      const seen = new Map<string, { json: string; customer: unknown }>();
      // Records the codec accepts: dead letters never reach a dedupe.
      for (const o of objects(h.inputs.orders!).filter((r) => decodeOrder(r).ok)) {
        const prior = seen.get(canonicalJson(o.orderId));
        if (prior && prior.json !== canonicalJson(o)) expect(o.customer).toEqual(prior.customer);
        if (!prior) seen.set(canonicalJson(o.orderId), { json: canonicalJson(o), customer: o.customer });
      }
    }
  });

  it("cover skewed keys, disorder, duplicates, bursts, empty inputs, table versions, unicode and extreme numbers", () => {
    const seen = {
      manyKeys: 0,
      skewed: 0,
      outOfOrder: 0,
      exactDuplicate: 0,
      burst: 0,
      emptySource: 0,
      tableVersions: 0,
      sharedValidFrom: 0,
      unicode: 0,
      extreme: 0,
      deadLetter: 0,
    };
    for (const h of hs) {
      const os = h.inputs.orders!;
      if (os.length === 0) seen.emptySource++;
      const valid = objects(os);
      const keys = new Map<unknown, number>();
      for (const o of valid) keys.set(o.customer, (keys.get(o.customer) ?? 0) + 1);
      if (keys.size >= 5) seen.manyKeys++;
      if (valid.length >= 10 && Math.max(...keys.values()) >= valid.length / 2) seen.skewed++;
      const clock = new Map<unknown, number>();
      for (const o of valid) {
        const c = clock.get(o.customer);
        if (typeof o.placedAt !== "number") continue;
        if (c !== undefined && o.placedAt < c) seen.outOfOrder++;
        clock.set(o.customer, Math.max(c ?? -Infinity, o.placedAt));
      }
      const texts = os.map((o) => canonicalJson(o));
      if (new Set(texts).size < texts.length) seen.exactDuplicate++;
      if (valid.some((o, i) => i > 0 && valid[i - 1]!.customer === o.customer && valid[i - 1]!.placedAt === o.placedAt && valid[i - 1]!.orderId !== o.orderId))
        seen.burst++;
      const versions = new Map<unknown, unknown[]>();
      for (const r of objects(h.inputs.tiers!)) versions.set(r.customer, [...(versions.get(r.customer) ?? []), r.since]);
      if ([...versions.values()].some((v) => v.length > 1)) seen.tableVersions++;
      if ([...versions.values()].some((v) => new Set(v).size < v.length)) seen.sharedValidFrom++;
      if (/[^\x00-\x7f]/.test(JSON.stringify(h.inputs).replace(/\\u[0-9a-f]{4}/g, "é"))) seen.unicode++;
      if (/e\+3\d\d|9007199254740991|5e-324/.test(JSON.stringify(h.inputs))) seen.extreme++;
      if (os.length > valid.length || valid.some((o) => typeof o.placedAt !== "number" || typeof o.customer !== "string")) seen.deadLetter++;
    }
    for (const [what, n] of Object.entries(seen)) expect(n, `${what} in ${hs.length} histories`).toBeGreaterThan(5);
  });

  it("make some elements late and some just not, on the reference runner", async () => {
    let late = 0;
    let lateButCounted = 0;
    for (const h of hs.slice(0, 150)) {
      const r = await runDirect(plan, { inputs: h.inputs });
      late += r.late.length;
      // Out-of-order records that were not late: within the allowed lateness.
      const clock = new Map<unknown, number>();
      for (const o of objects(h.inputs.orders!)) {
        if (typeof o.placedAt !== "number") continue;
        const c = clock.get(o.customer) ?? -Infinity;
        if (o.placedAt < c && !r.late.some((l) => canonicalJson(l.value) === canonicalJson(o))) lateButCounted++;
        clock.set(o.customer, Math.max(c, o.placedAt));
      }
    }
    expect(late).toBeGreaterThan(10);
    expect(lateButCounted).toBeGreaterThan(10);
  });

  it("derive from any pipeline: the examples get generators for free", () => {
    const [h] = fc.sample(historiesFor(compile(userSequences)), { numRuns: 1, seed: 3 });
    expect(Object.keys(h!.inputs).sort()).toEqual(["events", "items"]);
  });
});
