/**
 * A worker thread's failure as plain data and back, so that a run with
 * `workers` fails with the same kind of error as on one thread: the CLI's exit
 * code and message depend on the class (a `RunError` is a failed run, a
 * `DefinitionError` an invalid definition), which structured cloning drops.
 *
 * @module
 */
import { DefinitionError, DefinitionErrors, RunError } from "../../src/core/errors.ts";

/** An error as a worker posts it. */
export type SerializedError =
  | { readonly kind: "definition"; readonly path: string; readonly problem: string; readonly fix: string }
  | { readonly kind: "definitions"; readonly errors: readonly { readonly path: string; readonly problem: string; readonly fix: string }[] }
  | { readonly kind: "run"; readonly message: string; readonly stage: string; readonly details: string }
  | { readonly kind: "other"; readonly name: string; readonly message: string; readonly stack?: string };

const definitionOf = (e: DefinitionError) => ({ path: e.path, problem: e.problem, fix: e.fix });

/** `e` as plain data. A RunError's details go as JSON (they may hold what structured cloning refuses). */
export const errorToMessage = (e: unknown): SerializedError => {
  if (e instanceof DefinitionError) return { kind: "definition", ...definitionOf(e) };
  if (e instanceof DefinitionErrors) return { kind: "definitions", errors: e.errors.map(definitionOf) };
  if (e instanceof RunError) return { kind: "run", message: e.message, stage: e.stage, details: JSON.stringify(e.details) ?? "{}" };
  const err = e instanceof Error ? e : new Error(String(e));
  return { kind: "other", name: err.name, message: err.message, ...(err.stack ? { stack: err.stack } : {}) };
};

/** The error a {@link SerializedError} describes. */
export const errorFromMessage = (m: SerializedError): Error => {
  switch (m.kind) {
    case "definition":
      return new DefinitionError(m.path, m.problem, m.fix);
    case "definitions":
      return new DefinitionErrors(m.errors.map((d) => new DefinitionError(d.path, d.problem, d.fix)));
    case "run":
      return new RunError(m.message, m.stage, JSON.parse(m.details) as Record<string, unknown>);
    default: {
      const e = new Error(m.message);
      e.name = m.name;
      if (m.stack) e.stack = m.stack;
      return e;
    }
  }
};
