import { expect, it } from "vitest";
import { parityMatchers } from "lockstep/parity/vitest";
import pipeline from "./pipeline.ts";

expect.extend(parityMatchers);

it("the user's pipeline has parity on direct and arquero", async () => {
  await expect(pipeline).toHaveParity({ runners: ["direct", "arquero"], runs: 10, seed: 1 });
}, 120_000);
