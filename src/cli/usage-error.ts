import { LockstepError } from "../core/errors.ts";

/** A usage problem: reported on stderr with exit code 2. */
export class UsageError extends LockstepError {
  override readonly name = "UsageError";
  readonly code = "LOCKSTEP_USAGE";
}
