/** Running an example on small inputs written in a test. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect } from "vitest";
import type { Pipeline } from "../../src/plan/graph.ts";
import { runDirect } from "../../runners/direct/index.ts";
import type { RunResult } from "../../runners/direct/index.ts";

/** A path under the repository root. */
export const repo = (p: string): string => join(import.meta.dirname, "../..", p);

let dir: string | undefined;
const tempDir = (): string => {
  if (dir === undefined) {
    const d = mkdtempSync(join(tmpdir(), "lockstep-examples-"));
    afterAll(() => rmSync(d, { recursive: true, force: true }));
    dir = d;
  }
  return dir;
};
let files = 0;

/**
 * Runs `pipeline` on the DirectRunner over JSONL files holding `inputs`
 * (objects are written as JSON, strings as given so a test can include
 * malformed lines). Line n of an input is offset n.
 */
export const runOn = async (
  pipeline: Pipeline<any>,
  inputs: Readonly<Record<string, readonly (object | string)[]>>,
  params: Readonly<Record<string, string>> = {},
): Promise<RunResult> => {
  const paths: Record<string, string> = {};
  for (const [name, rows] of Object.entries(inputs)) {
    const path = join(tempDir(), `${++files}-${name}.jsonl`);
    writeFileSync(path, rows.map((r) => (typeof r === "string" ? r : JSON.stringify(r))).join("\n") + "\n");
    paths[name] = path;
  }
  return runDirect(pipeline, { inputs: paths, params });
};

/** Checks `records read = accepted + dead letters` for a source or table, and returns the three. */
export const accounting = (result: RunResult, input: string): { read: number; accepted: number; dead: number } => {
  const m = result.metrics[input]!;
  const dead = result.deadLetters.filter((d) => d.source === input && d.stage === input).length;
  expect(m.deadLetters, `${input}: metric vs dead-letter output`).toBe(dead);
  expect(m.in, `${input}: read = accepted + dead letters`).toBe(m.out + m.deadLetters);
  return { read: m.in, accepted: m.out, dead };
};
