import { describe, expect, it } from "vitest";
import { DefinitionErrors } from "../../src/core/errors.ts";
import { parseSchemaJson, SchemaJsonCodec } from "../../src/schema/index.ts";

const messages = (u: unknown): string[] => {
  const r = SchemaJsonCodec.decode(u);
  return r._tag === "Left" ? r.left.map((e) => e.message ?? "") : [];
};

describe("SchemaJsonCodec", () => {
  it("accepts a valid schema", () => {
    const s = {
      allOf: [
        { type: "object", properties: { ts: { type: "number" } }, required: ["ts"], exact: true },
        { type: "object", properties: { tag: { anyOf: [{ const: "a" }, { type: "null" }] } }, required: [] },
      ],
    };
    expect(messages(s)).toEqual([]);
    expect(parseSchemaJson(s)).toBe(s);
  });

  it("names the path, the problem and the fix", () => {
    expect(messages({ type: "object", properties: { ts: { type: "float" } }, required: ["ts"] })).toEqual([
      'schema.properties["ts"]: unknown type "float". Fix: use one of string, number, integer, boolean, null, unknown, object, array, record',
    ]);
    expect(messages({ type: "array", items: { type: "string", format: "date" } })).toEqual([
      'schema.items: unexpected key "format". Fix: remove it; this schema kind allows only type',
    ]);
  });

  it("enforces the canonical form so files round-trip", () => {
    const [mixed] = messages({ type: "object", properties: { a: { type: "string" }, b: { type: "string" } }, required: ["a"] });
    expect(mixed).toContain('write "required":["a","b"] or "required":[]');
    expect(messages({ enum: ["b", "a"] })[0]).toContain('write ["a","b"]');
    expect(messages({ anyOf: [{ type: "string" }] })[0]).toContain("at least 2 schemas");
    expect(messages({ const: null })[0]).toContain('{"type":"null"}');
    expect(messages({ type: "object", properties: {}, required: [], exact: false })[0]).toContain("omit exact");
    expect(messages(42)[0]).toContain("expected a schema object, got 42");
    expect(messages({})[0]).toContain("type, const, enum, anyOf, allOf");
  });

  it("parseSchemaJson throws every problem at once", () => {
    const bad = { anyOf: [{ type: "date" }, { const: [1] }] };
    expect(() => parseSchemaJson(bad, "sources.events.schema")).toThrow(DefinitionErrors);
    try {
      parseSchemaJson(bad, "sources.events.schema");
    } catch (e) {
      expect((e as DefinitionErrors).errors.map((x) => x.path)).toEqual(["sources.events.schema.anyOf[0]", "sources.events.schema.anyOf[1]"]);
    }
  });
});
