/**
 * A vitest matcher for cross-runner parity:
 *
 * ```ts
 * import { expect, it } from "vitest";
 * import { parityMatchers } from "lockstep/parity/vitest"; // in this repository: src/parity/vitest.ts
 * import pipeline from "./my-pipeline.ts";
 *
 * expect.extend(parityMatchers);
 *
 * it("runs the same on every runner", async () => {
 *   await expect(pipeline).toHaveParity({ runners: ["direct", "arquero"], runs: 50 });
 * }, 60_000);
 * ```
 *
 * Register it once for every test file with a setup file instead
 * (`vitest.config.ts`: `test: { setupFiles: ["./test/parity-setup.ts"] }`,
 * where that file holds the `expect.extend(parityMatchers)` line, or calls
 * {@link registerParityMatchers}). Importing this module also declares the
 * matcher's type on vitest's `Assertion`.
 *
 * The matcher accepts a pipeline value, a compiled plan or its JSON, and
 * every option of `checkParity` (runners, runs, seed, path, history,
 * histories, brokers, registry, params). On a difference it fails with the
 * readable report: the shrunk history, what differs per sink and output key,
 * and the seed and path that replay it. `.not.toHaveParity()` passes when a
 * difference is found (useful to test the harness itself).
 *
 * @module
 */
import type { MatcherState } from "vitest";
import type { Pipeline } from "../plan/graph.ts";
import type { Plan } from "../plan/ir.ts";
import type { ParityOptions } from "./harness.ts";
import { checkParity } from "./harness.ts";

declare module "vitest" {
  // biome-ignore lint/suspicious/noExplicitAny: must repeat vitest's own declaration of Matchers<T = any> to merge with it
  interface Matchers<T = any> {
    /** The pipeline gives the same final views, dead letters and late elements on every runner (see `checkParity`). */
    toHaveParity(opts?: ParityOptions): Promise<void>;
  }
}

/** The matchers to pass to `expect.extend`. */
export const parityMatchers = {
  async toHaveParity(this: MatcherState, received: unknown, opts: ParityOptions = {}) {
    const report = await checkParity(received as Pipeline | Plan | string, opts);
    const what =
      typeof received === "object" && received !== null && "name" in received ? `pipeline "${String((received as { name: unknown }).name)}"` : "the definition";
    return {
      pass: report.ok,
      message: () =>
        report.ok
          ? `expected ${what} to differ between ${report.runners.join(", ")}, but it ran the same on ${report.runs} histories (seed ${report.seed})`
          : `expected ${what} to have parity across ${report.runners.join(", ")}:\n\n${report.text}`,
    };
  },
};

/** Registers the parity matchers on vitest's `expect` (call it in a setup file). */
export const registerParityMatchers = async (): Promise<void> => {
  const { expect } = await import("vitest");
  expect.extend(parityMatchers);
};
