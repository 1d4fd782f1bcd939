import { describe, expect, it } from "vitest";
import { answerCache } from "../../src/serve/answer-cache.ts";

describe("answerCache", () => {
  it("answers only for the same stored text, and drops the stale entry", () => {
    const c = answerCache(1000);
    c.set("k", "text-1", "answer-1");
    expect(c.get("k", "text-1")).toBe("answer-1");
    expect(c.get("k", "text-2")).toBeUndefined();
    expect(c.get("k", "text-1")).toBeUndefined();
    expect(c.size()).toBe(0);
  });

  it("holds at most its bound, least recently used out first; one entry over the bound is not kept", () => {
    // Each entry: id (2) + stored (4) + answer (4) = 10 characters.
    const c = answerCache(30);
    for (const id of ["k1", "k2", "k3"]) c.set(id, "text", "body");
    expect(c.size()).toBe(30);
    expect(c.get("k1", "text")).toBe("body"); // k1 is now the most recently used
    c.set("k4", "text", "body");
    expect(c.get("k2", "text")).toBeUndefined();
    expect([c.get("k1", "text"), c.get("k3", "text"), c.get("k4", "text")]).toEqual(["body", "body", "body"]);
    expect(c.size()).toBe(30);
    c.set("k5", "t".repeat(40), "body");
    expect(c.get("k5", "t".repeat(40))).toBeUndefined();
    expect(c.size()).toBe(30);
    expect(answerCache(0).size()).toBe(0);
  });

  it("replacing an id's entry counts it once", () => {
    const c = answerCache(100);
    c.set("k", "text", "body");
    c.set("k", "text", "body");
    expect(c.size()).toBe(9); // 1 + 4 + 4
  });
});
