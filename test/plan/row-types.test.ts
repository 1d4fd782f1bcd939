/** The row types inferred for each stage (src/plan/row-types.ts): the fields every op outputs. */
import * as t from "io-ts";
import { describe, expect, it } from "vitest";
import * as L from "../../dsl/index.ts";
import { compile, inferRowTypes, validatePlan } from "../../src/plan/index.ts";
import { hooksOf } from "../../src/registry/executor.ts";
import type { Plan } from "../../src/plan/index.ts";
import { createRegistry } from "../../src/registry/registry.ts";
import { fieldsOf } from "../../src/plan/schema-fields.ts";
import userSequences, { longView } from "../../examples/user-sequences.ts";
import wordcount from "../../examples/wordcount.ts";

/** Each stage's field names, or "open". */
const fieldsByStage = (plan: Plan, executors = createRegistry().executors): Record<string, string[] | "open"> => {
  const { rows } = inferRowTypes(plan, validatePlan(plan, undefined, executors), (ref) => {
    const ex = executors.get(ref);
    return ex ? hooksOf(ex) : undefined;
  });
  return Object.fromEntries(
    [...rows].map(([id, r]) => {
      const f = fieldsOf(r.row);
      return [id, f.open ? "open" : [...f.fields.keys()]];
    }),
  );
};

describe("row types", () => {
  it("the flagship: through dispatch (a filter-only executor keeps the shape), lookup and sequence", () => {
    const rows = fieldsByStage(compile(userSequences), createRegistry([longView]).executors);
    const event = ["eventId", "userId", "itemId", "type", "ts", "durationMs"];
    expect(rows["events.dispatch"]).toEqual(event);
    expect(rows["events-items.lookup"]).toEqual([...event, "category"]);
    expect(rows["sequences"]).toEqual(["userId", "events"]);
    // Without the executor's code (a JSON plan validated without --executors) its output is open.
    expect(fieldsByStage(compile(userSequences))["events.dispatch"]).toBe("open");
  });

  it("flatMap with as, combine without a window (no window fields)", () => {
    const rows = fieldsByStage(compile(wordcount));
    expect(rows["lines.flatMap"]).toEqual(["word"]);
    expect(rows["counts"]).toEqual(["word", "count"]);
  });

  it("windowed combine and groupByKey, join, a shape-changing executor", () => {
    const E = t.type({ k: t.string, ts: t.number, x: t.number });
    const reshape = L.executor("reshape", 1, { featurize: (e: t.TypeOf<typeof E>) => ({ y: e.x }) });
    const p = L.pipeline("shapes", { version: 1 }, ({ source, sink }) => {
      const side = (name: string) =>
        L.pipe(
          source(name, E, { key: "k" }),
          L.withTimestamps((e) => e.field("ts")),
          L.keyBy("k"),
          L.window(L.fixed("1m")),
        );
      return [
        L.pipe(side("a"), L.combine({ n: L.count(), xs: L.collect("x") }, { name: "agg" }), sink("o1")),
        L.pipe(side("b"), L.groupByKey({ name: "groups" }), sink("o2")),
        L.pipe(side("c"), L.join(side("d"), { kind: "left", name: "joined" }), sink("o3")),
        L.pipe(source("e", E), L.apply(reshape, { name: "reshaped" }), sink("o4")),
      ];
    });
    const rows = fieldsByStage(compile(p), createRegistry([reshape]).executors);
    expect(rows["agg"]).toEqual(["k", "windowStart", "windowEnd", "n", "xs"]);
    expect(rows["groups"]).toEqual(["k", "windowStart", "windowEnd", "values"]);
    expect(rows["joined"]).toEqual(["k", "windowStart", "windowEnd", "left", "right"]);
    expect(rows["reshaped"]).toBe("open");
  });
});
