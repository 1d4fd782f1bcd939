import { describe, expect, it } from "vitest";
import { answerCache } from "../../src/serve/answer-cache.ts";

/** UTF-8 bytes of a text. */
const b = (s: string): Uint8Array => Buffer.from(s);
/** The text of a kept answer (undefined stays undefined). */
const t = (u: Uint8Array | undefined): string | undefined => (u === undefined ? undefined : Buffer.from(u).toString());

describe("answerCache", () => {
  it("answers only for the same stored bytes, and drops the stale entry", () => {
    const c = answerCache(1000);
    c.set("k", b("text-1"), b("answer-1"));
    // Equal bytes in another buffer are the same stored text.
    expect(t(c.get("k", b("text-1")))).toBe("answer-1");
    expect(c.get("k", b("text-2"))).toBeUndefined();
    expect(c.get("k", b("text-1"))).toBeUndefined();
    expect(c.size()).toBe(0);
  });

  it("compares exactly the bytes given: a view of a larger buffer, a prefix, a longer text", () => {
    const c = answerCache(1000);
    c.set("k", b("abc"), b("answer"));
    expect(t(c.get("k", Buffer.from("xxabcxx").subarray(2, 5)))).toBe("answer");
    expect(c.get("k", b("ab"))).toBeUndefined();
    c.set("k", b("abc"), b("answer"));
    expect(c.get("k", b("abcd"))).toBeUndefined();
  });

  it("holds at most its bound, least recently used out first; one entry over the bound is not kept", () => {
    // Each entry: id (2) + stored (4) + answer (4) = 10 bytes.
    const c = answerCache(30);
    for (const id of ["k1", "k2", "k3"]) c.set(id, b("text"), b("body"));
    expect(c.size()).toBe(30);
    expect(t(c.get("k1", b("text")))).toBe("body"); // k1 is now the most recently used
    c.set("k4", b("text"), b("body"));
    expect(c.get("k2", b("text"))).toBeUndefined();
    expect([c.get("k1", b("text")), c.get("k3", b("text")), c.get("k4", b("text"))].map(t)).toEqual(["body", "body", "body"]);
    expect(c.size()).toBe(30);
    c.set("k5", b("t".repeat(40)), b("body"));
    expect(c.get("k5", b("t".repeat(40)))).toBeUndefined();
    expect(c.size()).toBe(30);
    expect(answerCache(0).size()).toBe(0);
  });

  it("counts bytes, not characters", () => {
    const c = answerCache(100);
    c.set("k", b("é"), b("€"));
    expect(c.size()).toBe(1 + 2 + 3);
  });

  it("replacing an id's entry counts it once", () => {
    const c = answerCache(100);
    c.set("k", b("text"), b("body"));
    c.set("k", b("text"), b("body"));
    expect(c.size()).toBe(9); // 1 + 4 + 4
  });
});
