/**
 * Field access by user-chosen names (src/core/fields.ts): a name that is an
 * `Object.prototype` member or `__proto__` is an ordinary field.
 */
import { describe, expect, it } from "vitest";
import { ownField, setOwnField } from "../../src/core/fields.ts";

describe("setOwnField", () => {
  it("sets __proto__ as an own, enumerable data field and leaves the prototype alone", () => {
    const o: Record<string, unknown> = {};
    setOwnField(o, "__proto__", { polluted: true });
    expect(Object.getPrototypeOf(o)).toBe(Object.prototype);
    expect(Object.hasOwn(o, "__proto__")).toBe(true);
    expect(Object.keys(o)).toEqual(["__proto__"]);
    expect((o as { polluted?: unknown }).polluted).toBeUndefined();
    expect(JSON.stringify(o)).toBe('{"__proto__":{"polluted":true}}');
  });

  it("leaves a __proto__ field writable, like any other field", () => {
    const o: Record<string, unknown> = {};
    setOwnField(o, "__proto__", 1);
    setOwnField(o, "__proto__", 2);
    expect(ownField(o, "__proto__")).toBe(2);
  });

  it("sets other names, prototype members included, as plain fields in insertion order", () => {
    const o: Record<string, unknown> = {};
    setOwnField(o, "b", 1);
    setOwnField(o, "constructor", "c");
    setOwnField(o, "a", null);
    expect(o).toEqual({ b: 1, constructor: "c", a: null });
    expect(Object.keys(o)).toEqual(["b", "constructor", "a"]);
  });
});

describe("ownField", () => {
  it("reads a missing or inherited name as null", () => {
    expect(ownField({}, "toString")).toBeNull();
    expect(ownField({ a: undefined }, "a")).toBeNull();
    expect(ownField({ a: 0 }, "a")).toBe(0);
  });
});
