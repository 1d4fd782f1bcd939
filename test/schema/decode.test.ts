import { describe, expect, it } from "vitest";
import * as t from "io-ts";
import { makeDecoder } from "../../src/schema/index.ts";

const Event = t.intersection([
  t.type({ userId: t.string, ts: t.number, user: t.type({ id: t.Int, tags: t.array(t.string) }) }),
  t.partial({ kind: t.keyof({ view: null, click: null }) }),
]);
const decode = makeDecoder(Event);
const good = { userId: "u1", ts: 5, user: { id: 1, tags: ["a"] } };

const reason = (v: unknown): string => {
  const r = decode(v);
  if (r.ok) throw new Error("expected a failure");
  return r.reason;
};

describe("makeDecoder", () => {
  it("passes good records through unchanged, extra fields included", () => {
    const v = { extra: true, ...good };
    expect(decode(v)).toEqual({ ok: true, value: v });
    expect((decode(v) as { value: unknown }).value).toBe(v);
  });

  it("explains a wrong type", () => {
    expect(reason({ ...good, ts: "abc" })).toBe('field "ts": expected number, got "abc"');
  });

  it("explains a missing field", () => {
    const { userId: _, ...rest } = good;
    expect(reason(rest)).toBe('missing field "userId"');
  });

  it("explains nested paths, array indexes, integers and enums", () => {
    expect(reason({ ...good, user: { id: 1.5, tags: ["a", 7] } })).toBe(
      'field "user.id": expected integer, got 1.5; field "user.tags[1]": expected string, got 7',
    );
    expect(reason({ ...good, kind: "buy" })).toBe('field "kind": expected one of "view", "click", got "buy"');
  });

  it("lists at most 3 problems", () => {
    expect(reason({ user: 1 })).toBe('missing field "userId"; missing field "ts"; field "user": expected object, got 1');
    expect(reason({ ts: "x", user: { tags: 1 } })).toBe('missing field "userId"; field "ts": expected number, got "x"; missing field "user.id" (and 1 more)');
  });

  it("describes unions as a whole and the root value", () => {
    const d = makeDecoder(t.type({ v: t.union([t.string, t.null]), w: t.literal("x") }));
    const r = d({ v: 3, w: "y" });
    expect(r).toEqual({ ok: false, reason: 'field "v": expected string or null, got 3; field "w": expected "x", got "y"' });
    expect(d([1])).toEqual({ ok: false, reason: "expected object, got an array" });
    expect(d({ w: "x" })).toEqual({ ok: false, reason: 'missing field "v"' });
  });

  it("keeps key order when t.exact strips fields", () => {
    const d = makeDecoder(t.intersection([t.exact(t.type({ b: t.string })), t.exact(t.type({ a: t.string }))]));
    const r = d({ a: "x", c: 1, b: "y" });
    expect(r.ok && Object.keys(r.value as object)).toEqual(["a", "b"]);
  });
});

describe("makeDecoder on tagged unions", () => {
  const Shape = t.union([t.type({ kind: t.literal("circle"), r: t.number }), t.type({ kind: t.literal("square"), side: t.number })]);
  const d = makeDecoder(t.type({ shape: Shape }));

  it("follows the member the tag picks", () => {
    expect(d({ shape: { kind: "square", side: "2" } })).toEqual({
      ok: false,
      reason: 'field "shape.side": expected number, got "2"',
    });
  });

  it("names the tag when no member matches", () => {
    expect(d({ shape: { kind: "hexagon" } })).toEqual({
      ok: false,
      reason: 'field "shape.kind": expected one of "circle", "square", got "hexagon"',
    });
    expect(d({ shape: {} })).toEqual({ ok: false, reason: 'missing field "shape.kind"' });
    expect(d({ shape: 3 })).toEqual({ ok: false, reason: 'field "shape": expected object, got 3' });
  });
});

describe("makeDecoder: a missing t.unknown field", () => {
  it("stays absent, and the input itself is the value (found by the round-trip property, seed 1524691900)", () => {
    const input = { p: "" };
    const r = makeDecoder(t.type({ bk: t.unknown, p: t.string }))(input);
    expect(r).toEqual({ ok: true, value: { p: "" } });
    expect(r.ok && r.value).toBe(input);
    expect(Object.keys(r.ok ? (r.value as object) : {})).toEqual(["p"]);
  });
});
