/**
 * A planned stage: how the arquero runner executes one plan node, described
 * for `explain` and runnable.
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import type { DeadLetter, LateElement, OnExecutorError, StageMetrics } from "../../src/engine/operator.ts";
import type { ServiceCaller } from "../../src/engine/services.ts";
import type { PlanNode } from "../../src/plan/ir.ts";
import type { StreamFacts } from "../../src/plan/validate.ts";
import type { Registry } from "../../src/registry/registry.ts";

export type { StepMode } from "./step-mode.ts";
import type { StepMode } from "./step-mode.ts";

/** What a stage needs while it runs. */
export interface Runtime {
  readonly registry: Registry;
  readonly facts: ReadonlyMap<string, StreamFacts>;
  readonly byId: ReadonlyMap<string, PlanNode>;
  readonly onExecutorError: OnExecutorError;
  readonly services: Map<string, ServiceCaller>;
  /** The decoded elements of each source and table, by name. */
  readonly inputs: ReadonlyMap<string, ColumnTable>;
  deadLetter(d: DeadLetter): void;
  late(l: LateElement): void;
  metrics(stage: string): StageMetrics;
  /** A line for the user (fallbacks, warnings). */
  log(line: string): void;
}

/** One stage of the verb plan. */
export interface Step {
  readonly stage: string;
  readonly op: PlanNode["op"];
  readonly mode: StepMode;
  /** The arquero verbs (or JavaScript steps) it runs, in order, for `explain`. */
  readonly verbs: readonly string[];
  /** Why a part of it is not columnar, when it is not. */
  readonly fallbacks: readonly string[];
  /** Where its result may differ from the DirectRunner's outside the parity guarantee. */
  readonly warnings?: readonly string[];
  /** Runs the stage on its inputs' tables (in `inputsOf` order). */
  run(inputs: readonly ColumnTable[], rt: Runtime): ColumnTable | Promise<ColumnTable>;
}
