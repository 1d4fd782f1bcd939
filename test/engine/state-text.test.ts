/**
 * The state text round-trips every JSON-like value the engine keeps, including
 * non-finite numbers and user objects shaped like the `$num` tag itself.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeStateText, encodeStateText } from "../../src/engine/state-text.ts";

/** A value as JSON would give it back, with non-finite numbers kept (what the state text promises). */
const jsonLike = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.string(),
    fc.double(),
    fc.constantFrom(Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom("$num", "$esc", "a", "b"), tie("value"), { maxKeys: 3 }),
    // The tag's own shapes, as user data.
    fc.record({ $num: fc.constantFrom("5", "Infinity", "NaN", "x") }),
    fc.record({ $num: fc.constantFrom("5", "Infinity"), $esc: fc.integer({ min: -1, max: 3 }) }),
  ),
})).value;

/** -0 comes back as 0 (the module says why); everything else exactly. */
const normalise = (v: unknown): unknown =>
  typeof v === "number" && Object.is(v, -0)
    ? 0
    : Array.isArray(v)
      ? v.map(normalise)
      : v !== null && typeof v === "object"
        ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normalise(x)]))
        : v;

describe("state text", () => {
  it("gives back exactly what it was given, for any JSON-like value with non-finite numbers", () => {
    fc.assert(
      fc.property(jsonLike, (v) => {
        expect(decodeStateText(encodeStateText(v))).toStrictEqual(normalise(v));
      }),
      { numRuns: 2000 },
    );
  });

  it("keeps a user object whose only key is $num as that object, not a number", () => {
    const v = { row: { $num: "5" }, end: Number.POSITIVE_INFINITY };
    expect(decodeStateText(encodeStateText(v))).toStrictEqual(v);
    expect(decodeStateText(encodeStateText([{ $num: "Infinity" }]))).toStrictEqual([{ $num: "Infinity" }]);
  });

  it("writes values without a non-finite number or a $num key as plain JSON", () => {
    const v = { a: [1, "x", true], b: { c: 2 } };
    expect(encodeStateText(v)).toBe(JSON.stringify(v));
  });
});
