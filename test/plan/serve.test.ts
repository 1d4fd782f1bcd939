import * as t from "io-ts";
import { describe, expect, it } from "vitest";
import * as L from "../../dsl/index.ts";
import { DefinitionErrors } from "../../src/core/errors.ts";
import { compile, hashPlan, load, parsePlan, planToJson, registryOf } from "../../src/plan/index.ts";
import type { Plan, SinkNode } from "../../src/plan/index.ts";
import { createRegistry } from "../../src/registry/registry.ts";
import userSequences from "../../examples/user-sequences.ts";

const Event = t.type({ userId: t.string, itemId: t.string, type: t.string, ts: t.number });
const tagged = L.executor("tagged", 1, { featurize: (r: { userId: string }) => ({ ...r, tagged: true }) });

/** A sequence per user, served with every kind of request stage. */
const served = (stages: (q: L.RequestScope<{ limit?: number; hide?: string[]; min?: number }>) => readonly L.ServingStage[]) =>
  L.pipeline("served", { version: 1 }, ({ source, sink }) =>
    L.pipe(
      source("events", Event, { key: "userId" }),
      L.withTimestamps((e) => e.field("ts")),
      L.keyBy("userId"),
      L.sequence({ latest: 5, id: "itemId", fields: ["itemId", "type", "ts"], as: "events" }),
      sink("seq", { serve: L.serve(t.partial({ limit: t.number, hide: t.array(t.string), min: t.number }), stages) }),
    ),
  );

const all = served((q) => [
  L.serving.filter(q.row.field("events").length().gte(q.params.field("min").orElse(0))),
  L.serving.filterItems("events", (item) => q.params.field("hide").orElse([]).contains(item.field("type")).not()),
  L.serving.limit("events", q.params.field("limit")),
  L.serving.map({ user: q.row.field("userId"), events: q.row.field("events") }),
  L.serving.apply(tagged),
]);

const sinkOf = (p: Plan) => p.nodes.find((n) => n.op === "sink") as SinkNode;

/** The plan JSON after `edit`, rehashed (so only the edit is wrong). */
const edited = (p: Plan, edit: (sink: Record<string, any>) => void): unknown => {
  const json = JSON.parse(planToJson(p)) as Record<string, any>;
  edit(json.nodes.at(-1));
  const { hash: _, ...unhashed } = json;
  return { ...json, hash: hashPlan(unhashed as never) };
};

const errorsOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof DefinitionErrors) return e.errors.map((x) => x.message).join("\n");
    throw e;
  }
  throw new Error("expected DefinitionErrors");
};

describe("serving declarations in the plan", () => {
  it("compile to portable JSON on the sink: params as a schema, stages as expressions on {row, params, item}", () => {
    const s = sinkOf(compile(all));
    expect(s.serve?.params).toEqual({
      type: "object",
      properties: { limit: { type: "number" }, hide: { type: "array", items: { type: "string" } }, min: { type: "number" } },
      required: [],
    });
    expect(s.serve?.stages.map((x) => x.op)).toEqual(["filter", "filterItems", "limit", "map", "apply"]);
    expect(s.serve?.stages[2]).toEqual({ op: "limit", field: "events", count: { op: "field", path: ["params", "limit"] } });
    expect(s.serve?.stages[4]).toEqual({ op: "apply", executor: "tagged@1" });
    expect(compile(all).executors).toEqual(["tagged@1"]);
  });

  it("are covered by the content hash", () => {
    const a = compile(all);
    const b = compile(served((q) => [L.serving.limit("events", q.params.field("limit"))]));
    const none = compile(served(() => []));
    expect(new Set([a.hash, b.hash, none.hash]).size).toBe(3);
  });

  it("round-trip: parse and load give the identical plan", () => {
    const p = compile(all);
    const json = planToJson(p);
    const registry = registryOf(all);
    expect(parsePlan(JSON.parse(json), registry)).toEqual(p);
    expect(planToJson(compile(load(JSON.parse(json), registry)))).toBe(json);
    const flagship = planToJson(compile(userSequences));
    expect(planToJson(compile(load(JSON.parse(flagship), registryOf(userSequences))))).toBe(flagship);
  });

  it("refuses an unknown request parameter at load time, naming the stage path and the closest name", () => {
    const p = compile(all);
    const msg = errorsOf(() =>
      parsePlan(
        edited(p, (s) => {
          s.serve.stages[2].count.path = ["params", "limt"];
        }),
        registryOf(all),
      ),
    );
    expect(msg).toMatch(
      /stage "seq" \(sink\): serve\.stages\[2\] \(limit\)\.count: reads the request parameter "limt", which is not declared \(the parameters are limit, hide, min\)\. Fix: did you mean "params\.limit"\?/,
    );
  });

  it("refuses a parameter of the wrong type, a missing row field, a non-array field and a scope name that does not exist", () => {
    const p = compile(all);
    const msg = errorsOf(() =>
      parsePlan(
        edited(p, (s) => {
          s.serve.stages[2].count = { op: "field", path: ["params", "hide"] };
          s.serve.stages[1].field = "evnts";
          s.serve.stages[0].expr = { op: "field", path: ["request", "x"] };
        }),
        registryOf(all),
      ),
    );
    expect(msg).toContain("serve.stages[2] (limit).count: yields an array, not a number");
    expect(msg).toContain('serve.stages[1] (filterItems).field: the row has no field "evnts" (it has userId, events). Fix: did you mean "events"?');
    expect(msg).toContain('serve.stages[0] (filter).expr: reads "request.x", but a request stage reads only row.<field>, params.<name>. Fix:');
    const notArray = errorsOf(() => compile(served((q) => [L.serving.limit("userId", q.params.field("limit"))])));
    expect(notArray).toContain(`the row's field "userId" is a string, not an array`);
    const badItem = errorsOf(() => compile(served(() => [L.serving.filterItems("events", (item) => item.field("typ").eq("x"))])));
    expect(badItem).toMatch(/reads "item\.typ", which does not exist: "item" has only the fields itemId, type, ts\. Fix: did you mean "item\.type"\?/);
    const badRow = errorsOf(() => compile(served((q) => [L.serving.map({ u: q.row.field("user") })])));
    expect(badRow).toMatch(/reads "row\.user", which does not exist.*Fix: did you mean "row\.userId"\?/);
  });

  it("checks fields after a map against the mapped row, and not after an executor that featurizes", () => {
    const afterMap = errorsOf(() => compile(served((q) => [L.serving.map({ u: q.row.field("userId") }), L.serving.limit("events", q.params.field("limit"))])));
    expect(afterMap).toContain('the row has no field "events" (it has u)');
    expect(() => compile(served((q) => [L.serving.apply(tagged), L.serving.limit("anything", q.params.field("limit"))]))).not.toThrow();
  });

  it("refuses params that are not an object, an unknown stage op, and an executor that is not registered", () => {
    const p = compile(all);
    expect(
      errorsOf(() =>
        parsePlan(
          edited(p, (s) => {
            s.serve.params = { type: "string" };
          }),
          registryOf(all),
        ),
      ),
    ).toContain("serve.params: the request parameters are a string, not an object of named parameters");
    expect(
      errorsOf(() =>
        parsePlan(
          edited(p, (s) => {
            s.serve.stages.push({ op: "sort", field: "events" });
          }),
          registryOf(all),
        ),
      ),
    ).toMatch(/nodes\[\d+\]\.serve\.stages\[5\]/);
    expect(errorsOf(() => parsePlan(JSON.parse(planToJson(p)), createRegistry([])))).toMatch(/serve: uses executor "tagged@1", which is not registered/);
  });

  it("type-checks parameter names in the DSL", () => {
    served((q) => [
      // @ts-expect-error "limt" is not a parameter
      L.serving.limit("events", q.params.field("limt")),
    ]);
  });
});
