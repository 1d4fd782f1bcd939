import { describe, expect, it } from "vitest";
import { recordsBehind } from "../../src/store/index.ts";

const rec = { generation: 1, keys: 3, writtenAt: 0 };

describe("recordsBehind", () => {
  it("sums, per partition, the high watermark seen minus the offset applied; a partition with nothing applied counts whole", () => {
    expect(recordsBehind({ ...rec, offsets: { "0": "5", "1": "9" }, highWatermarks: { "0": "9", "1": "9", "2": "4" } })).toBe(4 + 0 + 4);
  });

  it("is 0 when applied reaches (or passes) what was seen, and undefined for a batch snapshot", () => {
    expect(recordsBehind({ ...rec, offsets: { "0": "7" }, highWatermarks: { "0": "7" } })).toBe(0);
    expect(recordsBehind({ ...rec, offsets: { "0": "8" }, highWatermarks: { "0": "7" } })).toBe(0);
    expect(recordsBehind({ ...rec, offsets: {} })).toBeUndefined();
  });
});
