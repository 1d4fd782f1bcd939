import { describe, expect, it } from "vitest";
import fc from "fast-check";
import * as t from "io-ts";
import { fromSchema, makeDecoder, SchemaJsonCodec, toSchema } from "../../src/schema/index.ts";
import { codecArb, schemaArb, valueArb } from "./arbitraries.ts";

const accepts = (codec: t.Mixed, v: unknown): boolean => codec.decode(v)._tag === "Right";

describe("schema round trips", () => {
  it("toSchema(fromSchema(s)) equals s, and s survives JSON text", () => {
    fc.assert(
      fc.property(schemaArb, (s) => {
        expect(SchemaJsonCodec.is(s)).toBe(true);
        expect(toSchema(fromSchema(s))).toEqual(s);
        const reread = JSON.parse(JSON.stringify(s));
        expect(SchemaJsonCodec.is(reread)).toBe(true);
        expect(JSON.stringify(toSchema(fromSchema(reread)))).toBe(JSON.stringify(s));
      }),
      { numRuns: 500 },
    );
  });

  it("the rebuilt codec accepts and rejects exactly what the original does", () => {
    const cases = codecArb.chain((codec) => fc.tuple(fc.constant(codec), fc.array(valueArb(toSchema(codec)), { minLength: 1, maxLength: 8 })));
    let accepted = 0;
    let rejected = 0;
    fc.assert(
      fc.property(cases, ([codec, values]) => {
        const rebuilt = fromSchema(toSchema(codec));
        for (const v of values) {
          const ok = accepts(codec, v);
          expect(accepts(rebuilt, v)).toBe(ok);
          expect(rebuilt.is(v)).toBe(codec.is(v));
          if (ok) accepted++;
          else rejected++;
        }
      }),
      { numRuns: 400 },
    );
    // The value generator must exercise both sides to mean anything.
    expect(accepted).toBeGreaterThan(200);
    expect(rejected).toBeGreaterThan(200);
  });

  it("makeDecoder agrees with io-ts decode and keeps the input's fields", () => {
    const cases = codecArb.chain((codec) => fc.tuple(fc.constant(codec), fc.array(valueArb(toSchema(codec)), { minLength: 1, maxLength: 8 })));
    fc.assert(
      fc.property(cases, ([codec, values]) => {
        const decode = makeDecoder(codec);
        for (const v of values) {
          const r = decode(v);
          const expected = codec.decode(v);
          expect(r.ok).toBe(expected._tag === "Right");
          if (r.ok && expected._tag === "Right") {
            expect(r.value).toEqual(expected.right);
            if (!JSON.stringify(toSchema(codec)).includes('"exact"')) expect(r.value).toBe(v);
          }
          if (!r.ok) expect(r.reason.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 300 },
    );
  });
});
