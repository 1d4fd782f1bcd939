/**
 * Errors a user can act on: each names where the problem is, what was
 * expected, and how to fix it.
 *
 * @module
 */

/** A definition (DSL value or JSON plan) that cannot be accepted. */
export class DefinitionError extends Error {
  override readonly name = "DefinitionError";
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
export class DefinitionErrors extends Error {
  override readonly name = "DefinitionErrors";
  constructor(readonly errors: readonly DefinitionError[]) {
    super(
      errors.length === 1
        ? errors[0]!.message
        : `${errors.length} problems in the definition:\n` + errors.map((e) => `  - ${e.message}`).join("\n"),
    );
  }
}

/** A failure while running a pipeline (an executor threw, a service failed for good). */
export class RunError extends Error {
  override readonly name = "RunError";
  constructor(
    message: string,
    readonly stage: string,
    readonly details: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
