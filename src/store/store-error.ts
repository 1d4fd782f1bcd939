/**
 * The error of the view store: a store that cannot be opened, belongs to
 * another definition, or cannot hold what it was given.
 *
 * @module
 */
import { LockstepError } from "../core/errors.ts";

/** A view store problem; the message names the store directory, the problem and the fix. */
export class StoreError extends LockstepError {
  override readonly name = "StoreError";
  readonly code = "LOCKSTEP_STORE";
  /**
   * @param dir  the store directory
   * @param problem  what is wrong
   * @param fix  how to fix it, as an instruction
   */
  constructor(
    readonly dir: string,
    readonly problem: string,
    readonly fix: string,
    options?: { cause?: unknown },
  ) {
    super(`store ${dir}: ${problem}. Fix: ${fix}`, options);
  }
}
