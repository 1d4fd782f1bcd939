import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DefinitionError } from "../../src/core/errors.ts";
import { formatDuration, parseDuration } from "../../src/window/duration.ts";

describe("parseDuration", () => {
  it.each([
    ["250ms", 250],
    ["10s", 10_000],
    ["5m", 300_000],
    ["1h", 3_600_000],
    ["2d", 172_800_000],
    ["1h30m", 5_400_000],
    ["1m5ms", 60_005],
    ["1d2h3m4s5ms", 86_400_000 + 7_200_000 + 180_000 + 4_000 + 5],
    ["0s", 0],
    ["90s", 90_000],
    [" 10s ", 10_000],
  ])("reads %j as %d ms", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it("takes finite non-negative integers as milliseconds", () => {
    expect(parseDuration(0)).toBe(0);
    expect(parseDuration(1500)).toBe(1500);
    expect(Object.is(parseDuration(-0), 0)).toBe(true);
  });

  it.each([1.5, -1, NaN, Infinity, 2 ** 53])("rejects the number %d", (n) => {
    expect(() => parseDuration(n)).toThrow(DefinitionError);
  });

  it.each(["", "10", "1.5s", "-1s", "10x", "s", "1m1h", "1s1s", "1h 30m", "10S", "ms", "99999999999999999d"])("rejects %j", (text) => {
    expect(() => parseDuration(text)).toThrow(DefinitionError);
  });

  it("names the path and says the fix", () => {
    let err: unknown;
    try {
      parseDuration("10", "fixed.size");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DefinitionError);
    const d = err as DefinitionError;
    expect(d.path).toBe("fixed.size");
    expect(d.problem).toContain('expected a duration like "10s"');
    expect(d.problem).toContain('"10"');
    expect(d.problem).toContain('"10ms"');
    expect(d.message).toContain("Fix: write");
    expect(() => parseDuration("x")).toThrow(/^duration: /);
  });
});

describe("formatDuration", () => {
  it.each([
    [0, "0s"],
    [1, "1ms"],
    [250, "250ms"],
    [1_500, "1s500ms"],
    [10_000, "10s"],
    [90_000, "1m30s"],
    [3_600_000, "1h"],
    [5_400_000, "1h30m"],
    [86_400_000, "1d"],
    [86_400_000 + 7_200_000 + 180_000 + 4_000 + 5, "1d2h3m4s5ms"],
    [90 * 86_400_000, "90d"],
  ])("writes %d as %j", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it.each([-1, 0.5, NaN, Infinity])("rejects %d", (ms) => {
    expect(() => formatDuration(ms)).toThrow(RangeError);
  });

  it("is read back by parseDuration", () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), (ms) => parseDuration(formatDuration(ms)) === ms),
      { numRuns: 500 },
    );
  });
});
