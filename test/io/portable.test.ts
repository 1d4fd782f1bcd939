/**
 * The plain-JavaScript UTF-8 decoder and base64 (src/io/utf8.ts, src/io/base64.ts) that the Flink
 * runner's edge runs in GraalJS, which has no Buffer or TextDecoder, against Node's own — on random
 * bytes, most of them not UTF-8, and on the cases WHATWG's decoder spells out.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { portableBase64Of, portableBytesOfBase64 } from "../../src/io/base64.ts";
import { firstInvalidUtf8, portableUtf8Decode } from "../../src/io/utf8.ts";

const nodeText = (b: Uint8Array) => new TextDecoder("utf-8").decode(b);
// Bytes near the UTF-8 boundaries, so invalid and truncated sequences are common.
const byte = fc.oneof(
  fc.integer({ min: 0, max: 255 }),
  fc.constantFrom(0x80, 0xbf, 0xc0, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0x9f, 0xa0, 0x8f, 0x90),
);
const bytes = fc.array(byte, { maxLength: 40 }).map((a) => new Uint8Array(a));

describe("portable UTF-8 and base64", () => {
  it("decodes any bytes as Node's TextDecoder does (U+FFFD per maximal invalid subpart)", () => {
    fc.assert(
      fc.property(bytes, (b) => {
        expect(portableUtf8Decode(b)).toBe(nodeText(b));
      }),
      { numRuns: 5000 },
    );
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 30 }), (s) => {
        expect(portableUtf8Decode(new TextEncoder().encode(s))).toBe(s);
      }),
    );
  });

  it("WHATWG's examples: an overlong form, a surrogate, a truncated sequence, a code point past U+10FFFF", () => {
    expect(portableUtf8Decode(new Uint8Array([0xc0, 0xaf]))).toBe("\ufffd\ufffd");
    expect(portableUtf8Decode(new Uint8Array([0xed, 0xa0, 0x80]))).toBe("\ufffd\ufffd\ufffd");
    expect(portableUtf8Decode(new Uint8Array([0xf0, 0x9f, 0x98]))).toBe("\ufffd");
    expect(portableUtf8Decode(new Uint8Array([0xf4, 0x90, 0x80, 0x80]))).toBe("\ufffd\ufffd\ufffd\ufffd");
    expect(portableUtf8Decode(new Uint8Array([0x61, 0xf0, 0x9f, 0x98, 0x80, 0x62]))).toBe("a😀b");
    expect(firstInvalidUtf8(new Uint8Array([0x61, 0xf0, 0x9f, 0x98]))).toBe(1);
  });

  it("base64 both ways as Buffer does", () => {
    fc.assert(
      fc.property(bytes, (b) => {
        const text = Buffer.from(b).toString("base64");
        expect(portableBase64Of(b)).toBe(text);
        expect([...portableBytesOfBase64(text)]).toEqual([...b]);
      }),
      { numRuns: 2000 },
    );
    expect(() => portableBytesOfBase64("ab$c")).toThrow(/not base64/);
  });
});
