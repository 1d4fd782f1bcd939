import { describe, expect, it } from "vitest";
import { DefinitionError } from "../../src/core/errors.ts";
import { assignWindows, windowKey } from "../../src/window/assign.ts";
import { GLOBAL_WINDOW } from "../../src/window/types.ts";
import type { WindowFn } from "../../src/window/types.ts";

const fixed = (size: number, offset = 0): WindowFn => ({ kind: "fixed", size, offset });
const sliding = (size: number, period: number, offset = 0): WindowFn => ({ kind: "sliding", size, period, offset });
const w = (start: number, end: number) => ({ start, end });

describe("assignWindows: fixed", () => {
  it.each([
    [0, w(0, 10)],
    [9, w(0, 10)],
    [10, w(10, 20)], // exactly on the end: next window
    [-1, w(-10, 0)],
    [-10, w(-10, 0)], // exactly on a (negative) start
    [-11, w(-20, -10)],
    [9.5, w(0, 10)],
    [-0.5, w(-10, 0)],
  ])("size 10: ts %d → %o", (ts, win) => {
    expect(assignWindows(fixed(10), ts)).toEqual([win]);
  });

  it.each([
    [2, w(-7, 3)],
    [3, w(3, 13)],
    [12, w(3, 13)],
    [13, w(13, 23)],
    [-7, w(-7, 3)],
    [-8, w(-17, -7)],
  ])("size 10 offset 3: ts %d → %o", (ts, win) => {
    expect(assignWindows(fixed(10, 3), ts)).toEqual([win]);
  });

  it("handles epoch-millisecond timestamps", () => {
    // 1_700_000_000_123 = 28_333_333 · 60_000 + 20_123
    expect(assignWindows(fixed(60_000), 1_700_000_000_123)).toEqual([w(1_699_999_980_000, 1_700_000_040_000)]);
  });
});

describe("assignWindows: sliding", () => {
  it("size 10 period 5 (aligned): always two windows", () => {
    expect(assignWindows(sliding(10, 5), 0)).toEqual([w(-5, 5), w(0, 10)]);
    expect(assignWindows(sliding(10, 5), 4)).toEqual([w(-5, 5), w(0, 10)]);
    expect(assignWindows(sliding(10, 5), 5)).toEqual([w(0, 10), w(5, 15)]);
    expect(assignWindows(sliding(10, 5), -1)).toEqual([w(-10, 0), w(-5, 5)]);
  });

  it("size 10 period 3 (not a multiple): three or four windows", () => {
    // starts s ≡ 0 (mod 3) with ts - 10 < s ≤ ts
    expect(assignWindows(sliding(10, 3), 7)).toEqual([w(0, 10), w(3, 13), w(6, 16)]);
    expect(assignWindows(sliding(10, 3), 8)).toEqual([w(0, 10), w(3, 13), w(6, 16)]);
    expect(assignWindows(sliding(10, 3), 9)).toEqual([w(0, 10), w(3, 13), w(6, 16), w(9, 19)]);
    expect(assignWindows(sliding(10, 3), 10)).toEqual([w(3, 13), w(6, 16), w(9, 19)]);
    expect(assignWindows(sliding(10, 3), -1)).toEqual([w(-9, 1), w(-6, 4), w(-3, 7)]);
    expect(assignWindows(sliding(10, 3), -10)).toEqual([w(-18, -8), w(-15, -5), w(-12, -2)]);
  });

  it("size 10 period 5 offset 2", () => {
    expect(assignWindows(sliding(10, 5, 2), 0)).toEqual([w(-8, 2), w(-3, 7)]);
    expect(assignWindows(sliding(10, 5, 2), 2)).toEqual([w(-3, 7), w(2, 12)]);
    expect(assignWindows(sliding(10, 5, 2), -8)).toEqual([w(-13, -3), w(-8, 2)]);
    expect(assignWindows(sliding(10, 5, 2), -3)).toEqual([w(-8, 2), w(-3, 7)]); // at the end of [-13,-3)
  });

  it("period equal to size behaves like fixed", () => {
    expect(assignWindows(sliding(10, 10, 3), -8)).toEqual([w(-17, -7)]);
  });

  it("a fractional timestamp", () => {
    expect(assignWindows(sliding(10, 5), 4.5)).toEqual([w(-5, 5), w(0, 10)]);
  });

  it("refuses a non-positive period instead of looping", () => {
    expect(() => assignWindows(sliding(10, 0), 1)).toThrow(DefinitionError);
    expect(() => assignWindows(sliding(10, -5), 1)).toThrow(DefinitionError);
  });
});

describe("assignWindows: session and global", () => {
  it("session gives the proto-window [ts, ts + gap)", () => {
    expect(assignWindows({ kind: "session", gap: 30 }, -5)).toEqual([w(-5, 25)]);
  });

  it("global gives the global window, even without a finite timestamp", () => {
    expect(assignWindows({ kind: "global" }, 123)).toEqual([GLOBAL_WINDOW]);
    expect(assignWindows({ kind: "global" }, -Infinity)).toEqual([{ start: -Infinity, end: Infinity }]);
    expect(Object.isFrozen(GLOBAL_WINDOW)).toBe(true);
  });

  it("rejects a non-finite timestamp for time-based windows", () => {
    expect(() => assignWindows(fixed(10), NaN)).toThrow(/finite/);
    expect(() => assignWindows({ kind: "session", gap: 5 }, Infinity)).toThrow(RangeError);
  });
});

describe("windowKey", () => {
  it("is start:end, or * for the global window", () => {
    expect(windowKey(w(0, 10_000))).toBe("0:10000");
    expect(windowKey(w(-10_000, 0))).toBe("-10000:0");
    expect(windowKey(w(-0, 5))).toBe("0:5");
    expect(windowKey(GLOBAL_WINDOW)).toBe("*");
  });
});
