/**
 * The written order of dead letters and late elements, and the first record in it found in one
 * pass (what the run summary names), whichever order the records arrive in.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson } from "../../src/core/canonical.ts";
import { firstInSideOutputOrder, sideOutputOrder } from "../../src/run/side-outputs.ts";

const record = fc.record({
  source: fc.constantFrom("events", "items", "e"),
  offset: fc.integer({ min: 0, max: 4 }),
  stage: fc.constantFrom("events", "events.map", "events.filter"),
  reason: fc.constantFrom("a", "b", "\u{1F600}", "\uE000"),
});

describe("side-output order", () => {
  it("sorts by source, offset, stage, then the whole record's canonical JSON", () => {
    const rs = [
      { source: "items", offset: 0, stage: "items", reason: "x" },
      { source: "events", offset: 2, stage: "events", reason: "x" },
      { source: "events", offset: 1, stage: "events.map", reason: "b" },
      { source: "events", offset: 1, stage: "events.map", reason: "a" },
      { source: "events", offset: 1, stage: "events", reason: "z" },
    ];
    expect(sideOutputOrder(rs).map((r) => `${r.source}:${r.offset}:${r.stage}:${r.reason}`)).toEqual([
      "events:1:events:z",
      "events:1:events.map:a",
      "events:1:events.map:b",
      "events:2:events:x",
      "items:0:items:x",
    ]);
  });

  it("firstInSideOutputOrder is the sorted copy's first record, for any arrival order", () => {
    fc.assert(
      fc.property(fc.array(record, { maxLength: 12 }), (rs) => {
        // Records equal as canonical JSON are one line of the file: either may be the one named.
        const text = (r: unknown) => (r === undefined ? "none" : canonicalJson(r));
        expect(text(firstInSideOutputOrder(rs))).toBe(text(sideOutputOrder(rs)[0]));
        expect(text(firstInSideOutputOrder([...rs].reverse()))).toBe(text(sideOutputOrder(rs)[0]));
      }),
      { numRuns: 500 },
    );
  });
});
