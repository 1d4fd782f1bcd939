/**
 * Compile-time guarantees of the DSL. `npm test` typechecks this file: each
 * `@ts-expect-error` line must be a type error, or tsc fails.
 */
import * as t from "io-ts";
import { describe, expect, it } from "vitest";
import * as L from "../../dsl/index.ts";

const Event = t.type({ userId: t.string, amount: t.number, kind: t.keyof({ a: null, b: null }), ts: t.number });
type Event = t.TypeOf<typeof Event>;

describe("DSL types", () => {
  it("reject unknown field names and wrong operand types at compile time", () => {
    const p = L.pipeline("types", { version: 1 }, ({ source, sink }) =>
      L.pipe(
        source("events", Event, { key: "userId" }),
        // @ts-expect-error "userI" is not a field of Event
        L.filter((e) => e.field("userI").eq("x")),
        // @ts-expect-error strings have no add
        L.map((e) => ({ x: e.field("userId").add(1) })),
        sink("out"),
      ),
    );
    expect(p.kind).toBe("pipeline");
  });

  it("types flow through keyBy, window and combine", () => {
    const ex = L.executor("double", 1, { featurize: (e: Event) => ({ ...e, amount: e.amount * 2 }) });
    L.pipeline("flow", { version: 1 }, ({ source, sink }) =>
      L.pipe(
        source("events", Event, { key: "userId" }),
        L.withTimestamps((e) => e.field("ts")),
        L.dispatch("kind", { a: ex, b: L.keep }),
        L.keyBy("userId"),
        L.window(L.fixed("1m")),
        L.combine({ n: L.count(), total: L.sum("amount"), last: L.last("kind") }),
        L.map((r) => ({ user: r.field("userId"), start: r.field("windowStart"), n: r.field("n"), last: r.field("last") })),
        // @ts-expect-error "amount" is gone after the map
        L.filter((r) => r.field("amount").gt(1)),
        sink("out"),
      ),
    );
  });

  it("requires a key before keyed stages and exhaustive dispatch branches", () => {
    L.pipeline("keys", { version: 1 }, ({ source, sink }) =>
      L.pipe(
        source("events", Event),
        L.withTimestamps((e) => e.field("ts")),
        // @ts-expect-error window needs a keyed stream
        L.window(L.fixed("1m")),
        sink("out"),
      ),
    );
    L.pipeline("dispatch", { version: 1 }, ({ source, sink }) =>
      L.pipe(
        source("events", Event),
        // @ts-expect-error branch "b" is missing
        L.dispatch("kind", { a: L.keep }),
        sink("out"),
      ),
    );
  });
});
