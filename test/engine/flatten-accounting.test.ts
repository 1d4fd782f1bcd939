/**
 * flatten of two sources, and dead-letter accounting (docs/semantics.md §2,
 * §4): for every source, records read = accepted + dead letters, and every
 * dead letter names its source, offset and stage.
 */
import * as t from "io-ts";
import { describe, expect, it } from "vitest";
import * as L from "../../dsl/index.ts";
import type { RawRecord } from "../../src/engine/index.ts";
import { deadAt, run } from "./direct-harness.ts";

const Ev = t.type({ k: t.string, v: t.number });

describe("flatten", () => {
  it("is the union of two unkeyed sources", async () => {
    const p = L.pipeline("union", { version: 1 }, ({ source, sink }) =>
      L.pipe(
        L.flatten([source("left", Ev), source("right", Ev)]),
        L.filter((e) => e.field("v").gt(0)),
        sink("out"),
      ),
    );
    const r = await run(p, {
      left: [
        { k: "a", v: 1 },
        { k: "b", v: 0 },
      ],
      right: [
        { k: "a", v: 2 },
        { k: "c", v: 3 },
        { k: "a", v: 1 },
      ],
    });
    // A bag: both { k: "a", v: 1 } stay.
    expect(r.outputs.out).toEqual([
      { k: "a", v: 1 },
      { k: "a", v: 1 },
      { k: "a", v: 2 },
      { k: "c", v: 3 },
    ]);
    expect(r.metrics["left-right.flatten"]).toMatchObject({ in: 5, out: 5 });
  });

  it("feeds a keyed aggregate from two keyed sources", async () => {
    const p = L.pipeline("union-keyed", { version: 1 }, ({ source, sink }) =>
      L.pipe(
        L.flatten([L.pipe(source("left", Ev), L.keyBy("k")), L.pipe(source("right", Ev), L.keyBy("k"))]),
        L.combine({ n: L.count(), s: L.sum("v") }),
        sink("out"),
      ),
    );
    const r = await run(p, {
      left: [
        { k: "a", v: 1 },
        { k: "b", v: 10 },
      ],
      right: [
        { k: "a", v: 2 },
        { k: "a", v: 4 },
      ],
    });
    expect(r.outputs.out).toEqual([
      { k: "a", n: 3, s: 7 },
      { k: "b", n: 1, s: 10 },
    ]);
  });
});

describe("dead-letter accounting", () => {
  it("per source: records read = accepted + dead letters; later stages' dead letters name their stage", async () => {
    const Timed = t.type({ k: t.string, v: t.number, ts: t.union([t.number, t.null]) });
    const p = L.pipeline("accounting", { version: 1 }, ({ source, sink }) =>
      L.pipe(
        L.flatten([source("left", Timed), source("right", Timed)]),
        L.withTimestamps((e) => e.field("ts")),
        sink("out"),
      ),
    );
    // Records as a reader gives them: a line that is not JSON carries an error and its raw text.
    const right: RawRecord[] = [
      { offset: 1, value: 42 }, // not an object
      { offset: 2, error: "invalid JSON", raw: "{oops" },
      { offset: 3, value: { k: "c", v: 3, ts: 3 } },
      { offset: 4, value: { k: "d", v: 4, ts: null } }, // accepted by the source, dead-lettered by withTimestamps
    ];
    const r = await run(p, {
      left: [
        { k: "a", v: 1, ts: 1 },
        { k: "b", v: "two", ts: 2 },
        { k: "e", v: 5, ts: 5 },
      ],
      right: right.values(),
    });
    expect(r.outputs.out).toEqual([
      { k: "a", v: 1, ts: 1 },
      { k: "c", v: 3, ts: 3 },
      { k: "e", v: 5, ts: 5 },
    ]);
    expect(r.metrics.left).toMatchObject({ in: 3, out: 2, deadLetters: 1 });
    expect(r.metrics.right).toMatchObject({ in: 4, out: 2, deadLetters: 2 });
    for (const s of ["left", "right"]) {
      const m = r.metrics[s]!;
      expect(m.in).toBe(m.out + m.deadLetters);
      expect(r.deadLetters.filter((d) => d.source === s && d.stage === s)).toHaveLength(m.deadLetters);
    }
    expect(new Set(deadAt(r).map((d) => d.join(" ")))).toEqual(new Set(["left 2 left", "right 1 right", "right 2 right", "right 4 left-right.withTimestamps"]));
    expect(r.deadLetters.find((d) => d.source === "right" && d.offset === 2)).toMatchObject({ reason: "invalid JSON", raw: "{oops" });
    expect(r.deadLetters.find((d) => d.source === "left")).toMatchObject({ value: { k: "b", v: "two", ts: 2 } });
  });
});
