import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { nexmarkConfig, nexmarkEvent } from "../../src/nexmark/index.ts";

// golden/beam-events.jsonl was written by Apache Beam's own generator classes, compiled from Beam's
// sources (golden/BEAM-GOLDEN.md says which and how): the authority this port must match byte for byte.
const golden = readFileSync(new URL("./golden/beam-events.jsonl", import.meta.url), "utf8")
  .trim()
  .split("\n")
  .map((line) => JSON.parse(line) as { n: number } & Record<string, unknown>);

describe("the Nexmark generator against Apache Beam's", () => {
  it("covers events 0–1,999 and 1,000,000–1,000,199", () => {
    expect(golden).toHaveLength(2200);
    expect(golden.filter((e) => e.n >= 1_000_000)).toHaveLength(200);
  });

  it("gives every event exactly as Beam does", () => {
    const config = nexmarkConfig({ events: 1_000_200 });
    const differing = golden.filter(({ n, ...want }) => JSON.stringify(nexmarkEvent(config, n)) !== JSON.stringify(want));
    expect(differing.map((e) => e.n)).toEqual([]);
  });
});
