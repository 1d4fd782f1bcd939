/**
 * What a failed executor call becomes: a dead letter with the reason when the
 * run says so (`onExecutorError: "deadLetter"`) or when a service gave up
 * (`ServiceError`, after its retries); otherwise the run stops with a
 * `RunError` naming the executor, stage and element. A service that is unavailable
 * (`ServiceUnavailableError`) is never a dead letter: the error stops the batch.
 *
 * @module
 */
import { canonicalJson } from "../../../core/canonical.ts";
import { RunError } from "../../../core/errors.ts";
import type { Executor } from "../../../registry/executor.ts";
import type { Elem } from "../../elem.ts";
import type { EngineContext, StageMetrics } from "../../operator.ts";
import { originFields } from "../../operator.ts";

/** The dead letter's reason when executor `ref` failed with `err` (every runner words it so). */
export const executorFailureReason = (ref: string, err: unknown): string => `executor ${ref} failed: ${err instanceof Error ? err.message : String(err)}`;

/** Handles executor `ex` failing with `err` on element `e`: returns after a dead letter, or throws. */
export type OnFailure = (e: Elem, ex: Executor, err: unknown) => void;

/** The failure handler of stage `stage`; `metricsOf` gives an executor's own counters. */
export const failureHandler = (stage: string, ctx: EngineContext, m: StageMetrics, metricsOf: (ex: Executor) => StageMetrics): OnFailure => {
  return (e, ex, err) => {
    // The service, not the element, failed: no dead letter; the batch stops (a streaming runner retries it later).
    if (err instanceof Error && err.name === "ServiceUnavailableError") throw err;
    const msg = err instanceof Error ? err.message : String(err);
    if (ctx.onExecutorError === "deadLetter" || (err instanceof Error && err.name === "ServiceError")) {
      m.deadLetters++;
      metricsOf(ex).deadLetters++;
      ctx.deadLetter({ ...originFields(e.origin), stage, reason: executorFailureReason(ex.ref, err), value: e.v });
      return;
    }
    throw new RunError(
      `executor ${ex.ref} in stage "${stage}" threw on the element at ${e.origin.source}:${e.origin.offset} ${canonicalJson(e.v).slice(0, 200)}: ${msg}`,
      stage,
      { executor: ex.ref, source: e.origin.source, offset: e.origin.offset, element: e.v },
      { cause: err },
    );
  };
};
