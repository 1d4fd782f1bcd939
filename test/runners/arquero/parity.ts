/**
 * Runs a definition on the DirectRunner and the ArqueroBatchRunner and
 * compares what parity is judged on (docs/semantics.md §14): each sink's
 * final view exactly (as the JSONL lines it would be written as), dead
 * letters and late elements as sets.
 */
import { expect } from "vitest";
import { canonicalJson, compareStrings } from "../../../src/core/canonical.ts";
import type { Pipeline } from "../../../src/plan/graph.ts";
import type { Plan } from "../../../src/plan/ir.ts";
import { runDirect } from "../../../runners/direct/index.ts";
import type { DirectRunOptions, RunResult } from "../../../runners/direct/index.ts";
import { runArquero } from "../../../runners/arquero/index.ts";

/** Canonical JSON lines, sorted: a bag of records compared as a set with multiplicity. */
export const asSet = (xs: readonly unknown[]): string[] => xs.map(canonicalJson).sort(compareStrings);

/** The final views as the lines of their output files. */
export const asFiles = (r: RunResult): Record<string, string[]> =>
  Object.fromEntries(Object.entries(r.outputs).map(([k, rows]) => [k, rows.map(canonicalJson)]));

/** Each runner gets its own copy of in-memory inputs: an impure executor may mutate the elements it is given. */
const copied = (opts: DirectRunOptions): DirectRunOptions => ({
  ...opts,
  inputs: Object.fromEntries(Object.entries(opts.inputs).map(([k, v]) => [k, Array.isArray(v) ? structuredClone(v) : v])),
});

/** Both runs, and the arquero runner's log lines. */
export const bothRuns = async (def: Pipeline | Plan | string, opts: DirectRunOptions): Promise<{ direct: RunResult; arquero: RunResult; logs: string[] }> => {
  const direct = await runDirect(def, copied(opts));
  const logs: string[] = [];
  const arquero = await runArquero(def, { ...copied(opts), log: (l) => logs.push(l), progress: false });
  return { direct, arquero, logs };
};

/** Asserts the two runs agree on everything parity covers. */
export const expectParity = (direct: RunResult, arquero: RunResult): void => {
  expect(asFiles(arquero)).toEqual(asFiles(direct));
  expect(asSet(arquero.deadLetters)).toEqual(asSet(direct.deadLetters));
  expect(asSet(arquero.late)).toEqual(asSet(direct.late));
};

/** Runs both and asserts parity; returns the runs for further checks. */
export const checkParity = async (def: Pipeline | Plan | string, opts: DirectRunOptions) => {
  const runs = await bothRuns(def, opts);
  expectParity(runs.direct, runs.arquero);
  return runs;
};
