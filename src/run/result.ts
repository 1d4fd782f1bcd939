/**
 * The outcome of a run, the same shape on every runner.
 *
 * @module
 */
import type { DeadLetter, LateElement, StageMetrics } from "../engine/operator.ts";
import type { Plan } from "../plan/ir.ts";

/** The outcome of a run. */
export interface RunResult {
  readonly plan: Plan;
  /** The final view of each sink, sorted by output key. */
  readonly outputs: Readonly<Record<string, unknown[]>>;
  /** Every record that could not be used, with the reason. */
  readonly deadLetters: readonly DeadLetter[];
  /** Every element dropped as late, with the clocks that decided it. */
  readonly late: readonly LateElement[];
  /** Counters per stage (sources: in = read, out = accepted). */
  readonly metrics: Readonly<Record<string, StageMetrics>>;
}
