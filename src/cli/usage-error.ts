/** A usage problem: reported on stderr with exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}
