/**
 * Keyed windows as a property: every window kind (with offsets), triggers,
 * allowed lateness, and the three ways source keys relate to stage keys
 * (one source key per stage key, several, and the reverse), on random
 * histories around time zero — the ArqueroBatchRunner against the
 * DirectRunner.
 */
import fc from "fast-check";
import { describe, it } from "vitest";
import * as L from "../../../dsl/index.ts";
import type { WindowOptions } from "../../../dsl/index.ts";
import type { WindowFn } from "../../../src/window/types.ts";
import { countPipeline, keepAllPipeline } from "../../engine/keyed-harness.ts";
import type { Ev, Keying } from "../../engine/keyed-harness.ts";
import { checkParity } from "./parity.ts";

const RUNS = Number(process.env.ARQUERO_PARITY_RUNS ?? 150);

const windows: readonly WindowFn[] = [
  L.fixed(10),
  L.fixed(7, 3),
  L.sliding(10, 5),
  L.sliding(10, 4, 1),
  L.sliding(9, 9),
  L.session(5),
  L.session(1),
  L.global(),
];
const options: readonly WindowOptions[] = [{}, { allowedLateness: 5 }, { allowedLateness: 20, trigger: { early: { every: 2 } } }, { trigger: { late: false } }];

const eventsArb = fc
  .array(fc.record({ d: fc.constantFrom("A", "B", "C"), k: fc.constantFrom("u", "v"), ts: fc.integer({ min: -30, max: 60 }) }), { maxLength: 30 })
  .map((es) => es.map((e, id): Ev => ({ ...e, id })));

describe("keyed windows on random histories", () => {
  it(`count + collect per key and window (${RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...windows),
        fc.constantFrom(...options),
        fc.constantFrom<Keying | "keep-all">("aligned", "device-to-k", "device-to-k-and-d", "device-aligned", "keep-all"),
        eventsArb,
        async (fn, opts, keying, ev) => {
          const p = keying === "keep-all" ? keepAllPipeline(fn, opts) : countPipeline(fn, opts, keying);
          await checkParity(p, { inputs: { ev } });
        },
      ),
      { numRuns: RUNS },
    );
  }, 300_000);
});
