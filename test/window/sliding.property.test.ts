import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { assignWindows } from "../../src/window/assign.ts";
import type { Window } from "../../src/window/types.ts";

/** The definition, by enumeration: every s ≡ offset (mod period) with s ≤ ts < s + size. */
const bruteForce = (size: number, period: number, offset: number, ts: number): Window[] => {
  const out: Window[] = [];
  for (let s = Math.floor(ts) - size; s <= ts; s++) {
    if ((((s - offset) % period) + period) % period === 0 && s <= ts && ts < s + size) out.push({ start: s, end: s + size });
  }
  return out;
};

const params = fc
  .integer({ min: 1, max: 60 })
  .chain((size) => fc.tuple(fc.constant(size), fc.integer({ min: 1, max: size })))
  .chain(([size, period]) => fc.tuple(fc.constant(size), fc.constant(period), fc.integer({ min: 0, max: period - 1 })));

describe("sliding assignment (property)", () => {
  it("equals the brute-force definition around zero", () => {
    fc.assert(
      fc.property(params, fc.integer({ min: -300, max: 300 }), ([size, period, offset], ts) => {
        expect(assignWindows({ kind: "sliding", size, period, offset }, ts)).toEqual(bruteForce(size, period, offset, ts));
      }),
      { numRuns: 2000 },
    );
  });

  it("equals the brute-force definition for large timestamps of either sign", () => {
    fc.assert(
      fc.property(params, fc.integer({ min: -4e15, max: 4e15 }), ([size, period, offset], ts) => {
        expect(assignWindows({ kind: "sliding", size, period, offset }, ts)).toEqual(bruteForce(size, period, offset, ts));
      }),
      { numRuns: 1000 },
    );
  });

  it("has ceil(size/period) windows, or one fewer", () => {
    fc.assert(
      fc.property(params, fc.integer({ min: -1e6, max: 1e6 }), ([size, period, offset], ts) => {
        const n = assignWindows({ kind: "sliding", size, period, offset }, ts).length;
        const c = Math.ceil(size / period);
        expect(size % period === 0 ? n === c : n === c || n === c - 1).toBe(true);
      }),
    );
  });

  it("fixed windows are sliding windows whose period is the size", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }).chain((size) => fc.tuple(fc.constant(size), fc.integer({ min: 0, max: size - 1 }))),
        fc.integer({ min: -1e9, max: 1e9 }),
        ([size, offset], ts) => {
          expect(assignWindows({ kind: "fixed", size, offset }, ts)).toEqual(bruteForce(size, size, offset, ts));
        },
      ),
    );
  });
});
