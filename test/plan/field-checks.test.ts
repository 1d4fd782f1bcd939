/**
 * Field references are checked against the row types inferred from the
 * sources' schemas (src/plan/row-types.ts), at compile time and when a JSON
 * definition is parsed or loaded — what TypeScript catches for a checked
 * `.ts` file, for everything else. The DSL is used untyped here (`any`), as a
 * plain `.js` file or an unchecked `.ts` file would use it.
 */
import * as t from "io-ts";
import { describe, expect, it } from "vitest";
import { DefinitionErrors } from "../../src/core/errors.ts";
import { compile, hashPlan, parsePlan, planToJson, registryOf } from "../../src/plan/index.ts";
import * as Typed from "../../dsl/index.ts";
import userSequences from "../../examples/user-sequences.ts";

const L: any = Typed;

const Event = t.intersection([
  t.type({ eventId: t.string, userId: t.string, itemId: t.string, ts: t.number, geo: t.type({ lat: t.number, lon: t.number }) }),
  t.partial({ durationMs: t.number }),
]);
const EVENT_FIELDS = "eventId, userId, itemId, ts, geo, durationMs";
const Item = t.type({ itemId: t.string, category: t.string, updatedAt: t.number });

/** The messages of the DefinitionErrors `f` throws. */
const errorsOf = (f: () => unknown): string[] => {
  try {
    f();
  } catch (e) {
    if (e instanceof DefinitionErrors) return e.errors.map((x) => x.message);
    throw e;
  }
  throw new Error("expected DefinitionErrors");
};

/** A pipeline reading `events` (keyed by userId, timed by ts) through `steps` into sink "out". */
const pipeOf = (...steps: unknown[]) =>
  L.pipeline("checks", { version: 1 }, ({ source, sink }: any) =>
    L.pipe(
      source("events", Event, { key: "userId" }),
      L.withTimestamps((e: any) => e.field("ts")),
      ...steps,
      sink("out"),
    ),
  );
describe("field references at compile time", () => {
  it("keyBy of a missing field: the stage, the field, the fields that exist and the closest one", () => {
    const [msg, ...rest] = errorsOf(() => compile(pipeOf(L.keyBy("userI"), L.combine({ n: L.count() }))));
    expect(rest).toEqual([]);
    expect(msg).toBe(
      `nodes[2], stage "events.keyBy" (keyBy): the keyBy field "userI" is not a field of its input (its fields: ${EVENT_FIELDS}). Fix: did you mean "userId"?`,
    );
  });

  it("an expression reading a missing field (the run would send every record to the dead letters)", () => {
    const p = L.pipeline("checks", { version: 1 }, ({ source, sink }: any) =>
      L.pipe(
        source("events", Event),
        L.withTimestamps((e: any) => e.field("tss")),
        sink("out"),
      ),
    );
    expect(errorsOf(() => compile(p))).toEqual([
      `nodes[1], stage "events.withTimestamps" (withTimestamps): the timestamp expression reads the field "tss", which is not a field of its input (its fields: ${EVENT_FIELDS}). Fix: did you mean "ts"?`,
    ]);
  });

  it("without a close name, says to use an existing field or add it upstream", () => {
    const [msg] = errorsOf(() => compile(pipeOf(L.filter((e: any) => e.field("country").eq("nz")))));
    expect(msg).toContain(
      `nodes[2], stage "events.filter" (filter): the filter condition reads the field "country", which is not a field of its input (its fields: ${EVENT_FIELDS})`,
    );
    expect(msg).toContain(`Fix: use one of the fields listed, or add "country" upstream (e.g. with L.map)`);
  });

  it("optional (t.partial) fields exist; nested paths are checked below known objects", () => {
    expect(() => compile(pipeOf(L.filter((e: any) => e.field("durationMs").gt(1000).and(e.field("geo").field("lat").gt(0)))))).not.toThrow();
    const [nested] = errorsOf(() => compile(pipeOf(L.filter((e: any) => e.field("geo").field("lt").gt(0)))));
    expect(nested).toBe(
      `nodes[2], stage "events.filter" (filter): the filter condition reads the field "geo.lt", which does not exist in its input: "geo" has no field "lt" (its fields: lat, lon). Fix: did you mean "lat"?`,
    );
    const [intoString] = errorsOf(() => compile(pipeOf(L.filter((e: any) => e.field("userId").field("x").isNull()))));
    expect(intoString).toContain(`reads the field "userId.x", which does not exist in its input: "userId" is a string, which has no fields`);
  });

  it("unions have the fields of every variant; records and unknown are open (nothing checked)", () => {
    const Tagged = t.union([t.type({ kind: t.literal("a"), a: t.number }), t.type({ kind: t.literal("b"), b: t.string })]);
    const union = (step: unknown) => L.pipeline("u", { version: 1 }, ({ source, sink }: any) => L.pipe(source("events", Tagged), step, sink("out")));
    expect(() => compile(union(L.filter((e: any) => e.field("a").gt(1).or(e.field("b").eq("x")))))).not.toThrow();
    expect(errorsOf(() => compile(union(L.keyBy("c"))))[0]).toContain(`the keyBy field "c" is not a field of its input (its fields: kind, a, b)`);
    const open = (codec: t.Mixed) =>
      L.pipeline("o", { version: 1 }, ({ source, sink }: any) => L.pipe(source("events", codec), L.keyBy("anything"), sink("out")));
    expect(() => compile(open(t.record(t.string, t.number)))).not.toThrow();
    expect(() => compile(open(t.intersection([t.type({ id: t.string }), t.UnknownRecord])))).not.toThrow();
  });

  it("a map's output is its struct: the old fields are gone, the new ones are typed", () => {
    const [msg] = errorsOf(() =>
      compile(
        pipeOf(
          L.map((e: any) => ({ user: e.field("userId"), where: e.field("geo") })),
          L.keyBy("eventId"),
        ),
      ),
    );
    expect(msg).toBe(
      `nodes[3], stage "events.keyBy" (keyBy): the keyBy field "eventId" is not a field of its input (its fields: user, where). Fix: use one of the fields listed, or add "eventId" upstream (e.g. with L.map)`,
    );
    expect(() =>
      compile(
        pipeOf(
          L.map((e: any) => ({ user: e.field("userId"), where: e.field("geo") })),
          L.filter((e: any) => e.field("where").field("lon").gt(0)),
        ),
      ),
    ).not.toThrow();
  });

  it("a combine's rows: the key, the window bounds when windowed, and the aggregates", () => {
    const agg = (...after: unknown[]) => pipeOf(L.keyBy("userId"), L.window(L.fixed("1m")), L.combine({ n: L.count(), total: L.sum("durationMs") }), ...after);
    expect(() => compile(agg(L.filter((r: any) => r.field("n").gt(1).and(r.field("windowStart").gte(0)).and(r.field("userId").neq("x")))))).not.toThrow();
    const [msg] = errorsOf(() => compile(agg(L.filter((r: any) => r.field("count").gt(1)))));
    expect(msg).toContain(
      `stage "events.filter" (filter): the filter condition reads the field "count", which is not a field of its input (its fields: userId, windowStart, windowEnd, n, total)`,
    );
    const [input] = errorsOf(() => compile(pipeOf(L.keyBy("userId"), L.combine({ total: L.sum("durationMS") }))));
    expect(input).toBe(
      `nodes[3], stage "events.combine" (combine): the aggregate "total" reads the field "durationMS", which is not a field of its input (its fields: ${EVENT_FIELDS}). Fix: did you mean "durationMs"?`,
    );
  });

  it("lookup (on, take), sequence (id, fields), dedupe, dispatch and the source and table keys", () => {
    const msgs = errorsOf(() =>
      compile(
        L.pipeline("all", { version: 1 }, ({ source, table, sink }: any) =>
          L.pipe(
            source("events", Event, { key: "userID" }),
            L.withTimestamps((e: any) => e.field("ts")),
            L.dispatch("kind", { a: L.keep }),
            L.dedupe("eventID"),
            L.lookup(table("items", Item, { key: "itemID", validFrom: "updated" }), { on: "itemid", take: { category: "categry" } }),
            L.keyBy("userId"),
            L.sequence({ latest: 5, id: "eventid", fields: ["itemId", "category", "seen"] }),
            sink("out"),
          ),
        ),
      ),
    );
    expect(msgs).toEqual([
      `nodes[0], stage "events" (source): the source key field "userID" is not a field of the source's schema (its fields: ${EVENT_FIELDS}). Fix: did you mean "userId"?`,
      `nodes[2], stage "events.dispatch" (dispatch): the dispatch field "kind" is not a field of its input (its fields: ${EVENT_FIELDS}). Fix: use one of the fields listed, or add "kind" upstream (e.g. with L.map)`,
      `nodes[3], stage "events.dedupe" (dedupe): the dedupe field "eventID" is not a field of its input (its fields: ${EVENT_FIELDS}). Fix: did you mean "eventId"?`,
      `nodes[4], stage "items" (table): the table key field "itemID" is not a field of the table's schema (its fields: itemId, category, updatedAt). Fix: did you mean "itemId"?`,
      `nodes[4], stage "items" (table): the validFrom field "updated" is not a field of the table's schema (its fields: itemId, category, updatedAt). Fix: did you mean "updatedAt"?`,
      `nodes[5], stage "events-items.lookup" (lookup): the lookup "on" field "itemid" is not a field of its input (its fields: ${EVENT_FIELDS}). Fix: did you mean "itemId"?`,
      `nodes[5], stage "events-items.lookup" (lookup): the take field "categry" is not a field of table "items" (its fields: itemId, category, updatedAt). Fix: did you mean "category"?`,
      `nodes[7], stage "events-items.sequence" (sequence): the sequence "id" field "eventid" is not a field of its input (its fields: ${EVENT_FIELDS}, category). Fix: did you mean "eventId"?`,
      `nodes[7], stage "events-items.sequence" (sequence): the sequence field "seen" is not a field of its input (its fields: ${EVENT_FIELDS}, category). Fix: use one of the fields listed, or add "seen" upstream (e.g. with L.map)`,
    ]);
  });

  it("an executor that may change the shape opens the row (checks skipped); one that only filters or normalizes keeps it", () => {
    const reshape = L.executor("reshape", 1, { featurize: (e: any) => ({ anything: e.userId }) });
    expect(() => compile(pipeOf(L.apply(reshape), L.keyBy("anything")))).not.toThrow();
    const keepLong = L.executor("keepLong", 1, { filter: (e: any) => (e.durationMs ?? 0) > 1000 });
    expect(errorsOf(() => compile(pipeOf(L.apply(keepLong), L.keyBy("userI"))))[0]).toContain(`the keyBy field "userI" is not a field of its input`);
  });

  it("join rows hold the key, the window bounds and both sides", () => {
    const p = L.pipeline("j", { version: 1 }, ({ source, sink }: any) => {
      const side = (name: string) =>
        L.pipe(
          source(name, Event, { key: "userId" }),
          L.withTimestamps((e: any) => e.field("ts")),
          L.keyBy("userId"),
          L.window(L.fixed("1m")),
        );
      return L.pipe(
        side("a"),
        L.join(side("b"), { as: ["l", "r"] }),
        L.filter((r: any) => r.field("l").field("ts").lt(r.field("r").field("tss"))),
        sink("out"),
      );
    });
    expect(errorsOf(() => compile(p))).toEqual([
      `nodes[9], stage "a-b.filter" (filter): the filter condition reads the field "r.tss", which does not exist in its input: "r" has no field "tss" (its fields: ${EVENT_FIELDS}). Fix: did you mean "ts"?`,
    ]);
  });

  it("every example still compiles", () => {
    expect(() => compile(userSequences)).not.toThrow();
  });
});

describe("field references in a JSON definition (parsePlan, load, lockstep validate)", () => {
  const plan = compile(userSequences);
  const edited = (edit: (p: any) => void): string => {
    const p = JSON.parse(planToJson(plan));
    edit(p);
    const { hash: _h, ...rest } = p;
    p.hash = hashPlan(rest);
    return JSON.stringify(p);
  };

  it("names the stage, the field, the fields that exist and the closest one", () => {
    const json = edited((p) => {
      const k = p.nodes.findIndex((n: any) => n.op === "keyBy");
      p.nodes[k].fields = ["userI"];
    });
    const msgs = errorsOf(() => parsePlan(json, registryOf(userSequences)));
    expect(msgs).toEqual([
      `nodes[6], stage "events-items.keyBy" (keyBy): the keyBy field "userI" is not a field of its input (its fields: eventId, userId, itemId, type, ts, durationMs, category). Fix: did you mean "userId"?`,
    ]);
  });

  it("without a registry, fields after a filter-only executor are checked too: the plan records each executor's hooks", () => {
    const json = edited((p) => {
      p.nodes[1].expr = { op: "field", path: ["tss"] };
      const k = p.nodes.findIndex((n: any) => n.op === "keyBy");
      p.nodes[k].fields = ["userI"];
    });
    expect(errorsOf(() => parsePlan(json))).toEqual([
      `nodes[1], stage "events.withTimestamps" (withTimestamps): the timestamp expression reads the field "tss", which is not a field of its input (its fields: eventId, userId, itemId, type, ts, durationMs). Fix: did you mean "ts"?`,
      `nodes[6], stage "events-items.keyBy" (keyBy): the keyBy field "userI" is not a field of its input (its fields: eventId, userId, itemId, type, ts, durationMs, category). Fix: did you mean "userId"?`,
    ]);
  });

  it("a plan compiled without executorHooks: fields after an executor are not checked (its shape is unknown), before it they are", () => {
    const json = edited((p) => {
      delete p.executorHooks;
      p.nodes[1].expr = { op: "field", path: ["tss"] };
      const k = p.nodes.findIndex((n: any) => n.op === "keyBy");
      p.nodes[k].fields = ["userI"];
    });
    expect(errorsOf(() => parsePlan(json))).toEqual([
      `nodes[1], stage "events.withTimestamps" (withTimestamps): the timestamp expression reads the field "tss", which is not a field of its input (its fields: eventId, userId, itemId, type, ts, durationMs). Fix: did you mean "ts"?`,
    ]);
  });
});
