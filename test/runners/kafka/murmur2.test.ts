/**
 * lockstep partitions every topic it writes with Kafka's default partitioner,
 * so Java clients (and librdkafka's murmur2 partitioners) put a key where
 * lockstep expects it. Needs no broker.
 */
import { describe, expect, it } from "vitest";
import { murmur2, partitionFor } from "../../../runners/kafka/murmur2.ts";

const utf8 = (s: string) => new TextEncoder().encode(s);

describe("murmur2", () => {
  // org.apache.kafka.common.utils.UtilsTest#testMurmur2 (Java's signed 32-bit results).
  const vectors: [string, number][] = [
    ["21", -973932308],
    ["foobar", -790332482],
    ["a-little-bit-long-string", -985981536],
    ["a-little-bit-longer-string", -1486304829],
    ["lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971],
    ["abc", 479470107],
  ];
  for (const [input, want] of vectors) {
    it(`"${input}" → ${want}, as Java's Utils.murmur2`, () => {
      expect(murmur2(utf8(input))).toBe(want);
    });
  }

  it("hashes bytes, not text: a non-ASCII byte sequence (vector from a JVM-generated test set)", () => {
    expect(murmur2(new Uint8Array([12, 42, 56, 24, 109, 111]))).toBe(274204207);
  });

  it("the empty key and every tail length (0–3 bytes after the 4-byte blocks) give 32-bit integers", () => {
    for (const s of ["", "a", "ab", "abc", "abcd", "abcde"]) {
      const h = murmur2(utf8(s));
      expect(Number.isInteger(h) && h >= -(2 ** 31) && h < 2 ** 31, s).toBe(true);
    }
  });

  it("partitionFor is Kafka's toPositive(murmur2(key)) % partitions", () => {
    for (const [input, want] of vectors) {
      for (const n of [1, 3, 7, 12]) expect(partitionFor(input, n), `${input} % ${n}`).toBe((want & 0x7fffffff) % n);
    }
    // Keys are UTF-8 encoded, like Java's String.getBytes(UTF_8).
    expect(partitionFor("é", 1000)).toBe((murmur2(new Uint8Array([0xc3, 0xa9])) & 0x7fffffff) % 1000);
  });
});
