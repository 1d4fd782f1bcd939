/**
 * Errors a user can act on: each names where the problem is, what was
 * expected, and how to fix it.
 *
 * @module
 */

/**
 * The stable codes of lockstep's errors: match on `code` (it does not change
 * between versions), not on the message text (which may improve).
 */
export type ErrorCode =
  | "LOCKSTEP_DEFINITION"
  | "LOCKSTEP_DEFINITIONS"
  | "LOCKSTEP_RUN"
  | "LOCKSTEP_SERVICE"
  | "LOCKSTEP_STORE"
  | "LOCKSTEP_USAGE"
  | "LOCKSTEP_PARITY"
  | "LOCKSTEP_PARITY_USAGE"
  | "LOCKSTEP_UNKNOWN_RUNNER";

/** The base of every error lockstep throws on purpose; `code` says which kind it is. */
export abstract class LockstepError extends Error {
  abstract readonly code: ErrorCode;
}

/** A definition (DSL value or JSON plan) that cannot be accepted. */
export class DefinitionError extends LockstepError {
  override readonly name = "DefinitionError";
  readonly code = "LOCKSTEP_DEFINITION";
  /**
   * @param path  where: a JSON path into the plan (`nodes[3].expr.args[1]`) or a stage name
   * @param problem  what is wrong, including what was expected and what was found
   * @param fix  how to fix it, as an instruction
   */
  constructor(
    readonly path: string,
    readonly problem: string,
    readonly fix: string,
  ) {
    super(`${path}: ${problem}. Fix: ${fix}`);
  }
}

/** Several definition errors found in one pass, reported together. */
export class DefinitionErrors extends LockstepError {
  override readonly name = "DefinitionErrors";
  readonly code = "LOCKSTEP_DEFINITIONS";
  constructor(readonly errors: readonly DefinitionError[]) {
    super(errors.length === 1 ? errors[0]!.message : `${errors.length} problems in the definition:\n` + errors.map((e) => `  - ${e.message}`).join("\n"));
  }
}

/** A failure while running a pipeline (an executor threw, a service failed for good). */
export class RunError extends LockstepError {
  override readonly name = "RunError";
  readonly code = "LOCKSTEP_RUN";
  constructor(
    message: string,
    readonly stage: string,
    readonly details: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
