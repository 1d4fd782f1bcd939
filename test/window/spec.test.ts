import { describe, expect, it } from "vitest";
import { DefinitionError } from "../../src/core/errors.ts";
import { formatWindowSpec, parseWindowSpec, validateWindowFn } from "../../src/window/assign.ts";
import type { WindowFn } from "../../src/window/types.ts";

describe("parseWindowSpec", () => {
  it.each<[string, WindowFn]>([
    ["global", { kind: "global" }],
    ["fixed:10s", { kind: "fixed", size: 10_000, offset: 0 }],
    ["fixed:10s+2s", { kind: "fixed", size: 10_000, offset: 2_000 }],
    [" fixed:1h30m ", { kind: "fixed", size: 5_400_000, offset: 0 }],
    ["sliding:30s/5s", { kind: "sliding", size: 30_000, period: 5_000, offset: 0 }],
    // Offsets are normalised modulo the size / period; a period may exceed the size (hopping with gaps).
    ["fixed:10s+12s", { kind: "fixed", size: 10_000, offset: 2_000 }],
    ["fixed:10s+10s", { kind: "fixed", size: 10_000, offset: 0 }],
    ["sliding:30s/5s+7s", { kind: "sliding", size: 30_000, period: 5_000, offset: 2_000 }],
    ["sliding:5s/30s", { kind: "sliding", size: 5_000, period: 30_000, offset: 0 }],
    ["sliding:1m/10s+5s", { kind: "sliding", size: 60_000, period: 10_000, offset: 5_000 }],
    ["session:10m", { kind: "session", gap: 600_000 }],
  ])("reads %j", (text, fn) => {
    expect(parseWindowSpec(text)).toEqual(fn);
  });

  it.each([
    ["", "window", /empty window/],
    ["tumbling:10s", "window", /unknown window kind "tumbling"/],
    ["global:1s", "window", /takes no parameters/],
    ["fixed", "window", /needs a size/],
    ["fixed:", "window", /needs a size/],
    ["fixed:10s+2s+1s", "window", /more than one offset/],
    ["sliding:30s", "window", /<size>\/<period>/],
    ["sliding:30s/5s/1s", "window", /<size>\/<period>/],
    ["session:", "window", /needs a gap/],
    ["fixed:10", "window.size", /add a unit/],
    ["sliding:30s/5x", "window.period", /"5x"/],
    ["session:0s", "window.gap", /> 0/],
    ["fixed:0s", "window.size", /> 0/],
  ])("rejects %j at %s", (text, path, problem) => {
    let err: unknown;
    try {
      parseWindowSpec(text);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DefinitionError);
    expect((err as DefinitionError).path).toBe(path);
    expect((err as DefinitionError).problem).toMatch(problem);
  });

  it("lists the accepted forms and uses the given path", () => {
    expect(() => parseWindowSpec("weekly", "--window")).toThrow(/^--window: .*"fixed:10s".*"sliding:30s\/5s".*"session:10m".*Fix: /);
  });
});

describe("formatWindowSpec", () => {
  it.each<[WindowFn, string]>([
    [{ kind: "global" }, "global"],
    [{ kind: "fixed", size: 90_000, offset: 0 }, "fixed:1m30s"],
    [{ kind: "fixed", size: 10_000, offset: 2_000 }, "fixed:10s+2s"],
    [{ kind: "sliding", size: 30_000, period: 5_000, offset: 1_000 }, "sliding:30s/5s+1s"],
    [{ kind: "session", gap: 600_000 }, "session:10m"],
  ])("writes %o as %j and reads it back", (fn, text) => {
    expect(formatWindowSpec(fn)).toBe(text);
    expect(parseWindowSpec(text)).toEqual(fn);
  });
});

describe("validateWindowFn", () => {
  const paths = (fn: unknown) => validateWindowFn(fn as WindowFn, "nodes[2].window").map((e) => e.path);

  it("accepts valid functions", () => {
    expect(paths({ kind: "global" })).toEqual([]);
    expect(paths({ kind: "fixed", size: 10, offset: 9 })).toEqual([]);
    expect(paths({ kind: "sliding", size: 10, period: 10, offset: 0 })).toEqual([]);
    expect(paths({ kind: "sliding", size: 10, period: 3, offset: 2 })).toEqual([]);
    expect(paths({ kind: "session", gap: 1 })).toEqual([]);
  });

  it("a JSON plan must hold normalised offsets (the DSL writes them so)", () => {
    expect(paths({ kind: "sliding", size: 10, period: 20, offset: 25 })).toEqual(["nodes[2].window.offset"]);
  });

  it("reports each bad field", () => {
    expect(paths({ kind: "fixed", size: 0, offset: 0 })).toEqual(["nodes[2].window.size"]);
    expect(paths({ kind: "fixed", size: 1.5, offset: 0 })).toEqual(["nodes[2].window.size"]);
    expect(paths({ kind: "fixed", size: 10, offset: -1 })).toEqual(["nodes[2].window.offset"]);
    expect(paths({ kind: "fixed", size: 10, offset: 10 })).toEqual(["nodes[2].window.offset"]);
    expect(paths({ kind: "fixed", size: Infinity, offset: "x" })).toEqual(["nodes[2].window.size", "nodes[2].window.offset"]);
    // A period above the size is allowed: hopping windows with gaps (issue 14 §4).
    expect(paths({ kind: "sliding", size: 10, period: 20, offset: 0 })).toEqual([]);
    expect(paths({ kind: "sliding", size: 10, period: 3, offset: 3 })).toEqual(["nodes[2].window.offset"]);
    expect(paths({ kind: "sliding", size: 0, period: 0, offset: 0 })).toEqual(["nodes[2].window.size", "nodes[2].window.period"]);
    expect(paths({ kind: "session", gap: -1 })).toEqual(["nodes[2].window.gap"]);
    expect(paths({ kind: "session" })).toEqual(["nodes[2].window.gap"]);
    expect(paths({ kind: "bogus" })).toEqual(["nodes[2].window.kind"]);
    expect(paths(null)).toEqual(["nodes[2].window"]);
  });

  it("suggests the fix", () => {
    const [e] = validateWindowFn({ kind: "fixed", size: 10_000, offset: 12_000 }, "w");
    expect(e!.message).toBe("w.offset: offset must be less than the size (10s), got 12s. Fix: use offset mod size, i.e. 2s");
  });
});
