/**
 * Shared helpers for the per-transform engine tests: run a pipeline on the
 * DirectRunner over in-memory arrays, and small views of its result.
 *
 * @module
 */
import type { Pipeline } from "../../src/plan/graph.ts";
import type { DirectRunOptions, RunResult } from "../../runners/direct/runner.ts";
import { runDirect } from "../../runners/direct/runner.ts";

/** Runs `p` on the DirectRunner with in-memory inputs. */
export const run = (p: Pipeline<any>, inputs: DirectRunOptions["inputs"], opts: Omit<DirectRunOptions, "inputs"> = {}): Promise<RunResult> =>
  runDirect(p, { ...opts, inputs });

/** Dead letters as (source, offset, stage) triples, in the order they were reported. */
export const deadAt = (r: RunResult): [string, number, string][] => r.deadLetters.map((d) => [d.source, d.offset, d.stage]);

/** Late elements as (source, offset, event time, clock) tuples, in the order they were reported. */
export const lateAt = (r: RunResult): [string, number, number, number][] => r.late.map((l) => [l.source, l.offset, l.eventTime, l.clock]);

/** A promise that resolves after `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
