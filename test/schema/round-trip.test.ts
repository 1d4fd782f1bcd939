import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type * as t from "io-ts";
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
          // io-ts reads fields with u[k], so on ordinary objects a missing "__proto__" or "constructor" field
          // finds Object.prototype's member; the reference judges a prototype-free copy (own fields only).
          const expected = codec.decode(ownFieldsOnly(v));
          expect(r.ok).toBe(expected._tag === "Right");
          if (r.ok && expected._tag === "Right") {
            expect(r.value).toEqual(withPrototypes(expected.right));
            if (!JSON.stringify(toSchema(codec)).includes('"exact"')) expect(r.value).toBe(v);
          }
          if (!r.ok) expect(r.reason.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 300 },
    );
  });
});

const ownFieldsOnly = (u: unknown): unknown =>
  Array.isArray(u)
    ? u.map(ownFieldsOnly)
    : u !== null && typeof u === "object"
      ? Object.assign(Object.create(null), Object.fromEntries(Object.entries(u).map(([k, x]) => [k, ownFieldsOnly(x)])))
      : u;

const withPrototypes = (u: unknown): unknown =>
  Array.isArray(u)
    ? u.map(withPrototypes)
    : u !== null && typeof u === "object"
      ? Object.fromEntries(Object.entries(u).map(([k, x]) => [k, withPrototypes(x)]))
      : u;
