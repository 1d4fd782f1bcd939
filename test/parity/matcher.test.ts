/**
 * The vitest matcher, registered the way users register it:
 * `expect.extend(parityMatchers)`.
 */
import * as t from "io-ts";
import { describe, expect, it } from "vitest";
import * as L from "../../dsl/index.ts";
import { compile, planToJson } from "../../src/plan/index.ts";
import { mapResult } from "../../src/parity/runners.ts";
import { parityMatchers } from "../../src/parity/vitest.ts";
import windowCount from "../../examples/window-count.ts";

expect.extend(parityMatchers);

const Ev = t.type({ user: t.string, ts: t.number, amount: t.number });
const spend = L.pipeline("spend", { version: 1 }, ({ source, sink }) =>
  L.pipe(
    source("payments", Ev, { key: "user" }),
    L.withTimestamps((e) => e.field("ts")),
    L.keyBy("user"),
    L.window(L.sliding("1m", "20s"), { allowedLateness: "10s" }),
    L.combine({ n: L.count(), total: L.sum("amount"), top: L.topK("amount", 2) }),
    sink("spend"),
  ),
);

/** A runner that loses the last row of every sink: a planted bug. */
const losesARow = mapResult("direct", "loses-a-row", (r) => ({
  ...r,
  outputs: Object.fromEntries(Object.entries(r.outputs).map(([k, rows]) => [k, rows.slice(0, -1)])),
}));

describe("expect(pipeline).toHaveParity()", () => {
  it("passes for a user's pipeline across direct, arquero and another interleaving", async () => {
    await expect(spend).toHaveParity({ runners: ["direct", "direct-reordered", "arquero"], runs: 50 });
  });

  it("takes parameters, compiled plans and plan JSON too", async () => {
    await expect(windowCount).toHaveParity({ runners: ["direct", "arquero"], runs: 20, params: { window: "session:5s" } });
    const plan = compile(spend);
    await expect(plan).toHaveParity({ runners: ["direct", "arquero"], runs: 10 });
    await expect(planToJson(plan)).toHaveParity({ runners: ["direct", "arquero"], runs: 10 });
  });

  it("fails with the readable report, the shrunk input and the seed", async () => {
    let message = "";
    try {
      await expect(spend).toHaveParity({ runners: ["direct", losesARow], runs: 50, seed: 5 });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('expected pipeline "spend" to have parity across direct, loses-a-row');
    expect(message).toMatch(/parity FAILED: direct ≠ loses-a-row — seed 5, path \S+; smallest input: 1 record/);
    expect(message).toMatch(/sink "spend" \(output key user, windowStart, windowEnd\): 1 missing, 0 extra, 0 different on loses-a-row/);
    expect(message).toContain("payments (source, key user):");
  });

  it(".not.toHaveParity() passes when the runners differ", async () => {
    await expect(spend).not.toHaveParity({ runners: ["direct", losesARow], runs: 20, seed: 1 });
  });

  it("an unknown runner is an error, not a difference", async () => {
    await expect(expect(spend).toHaveParity({ runners: ["direct", "spark"] })).rejects.toThrow(/unknown runner "spark"/);
  });
});
