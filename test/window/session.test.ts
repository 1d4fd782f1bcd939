import { describe, expect, it } from "vitest";
import { assignWindows } from "../../src/window/assign.ts";
import { mergeSessions } from "../../src/window/session.ts";

const w = (start: number, end: number) => ({ start, end });

describe("mergeSessions", () => {
  it("nothing in, nothing out", () => {
    expect(mergeSessions([])).toEqual([]);
  });

  it("merges overlapping windows", () => {
    expect(mergeSessions([w(0, 10), w(5, 15)])).toEqual([w(0, 15)]);
  });

  it("keeps windows that only touch apart", () => {
    expect(mergeSessions([w(10, 20), w(0, 10)])).toEqual([w(0, 10), w(10, 20)]);
  });

  it("merges transitively, whatever the input order", () => {
    expect(mergeSessions([w(20, 30), w(0, 10), w(5, 22)])).toEqual([w(0, 30)]);
  });

  it("absorbs contained and duplicate windows", () => {
    expect(mergeSessions([w(10, 20), w(0, 100), w(0, 100)])).toEqual([w(0, 100)]);
  });

  it("works on negative times and leaves gaps between sessions", () => {
    expect(mergeSessions([w(-10, -5), w(-6, 0), w(3, 8), w(50, 60)])).toEqual([w(-10, 0), w(3, 8), w(50, 60)]);
  });

  it("does not modify its input", () => {
    const input = [w(5, 15), w(0, 10)];
    mergeSessions(input);
    expect(input).toEqual([w(5, 15), w(0, 10)]);
  });

  it("an element exactly `gap` after the last starts a new session", () => {
    const gap = 10;
    const protos = [0, 9, 19, 29].flatMap((ts) => assignWindows({ kind: "session", gap }, ts));
    // [0,10) and [9,19) overlap; [19,29) only touches [9,19), and [29,39) only touches [19,29).
    expect(mergeSessions(protos)).toEqual([w(0, 19), w(19, 29), w(29, 39)]);
  });
});
