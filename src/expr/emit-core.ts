/**
 * The scaffolding both expression compilers share (JavaScript, `compile-js.ts`,
 * and arquero, `compile-arquero.ts`): operands and their static kinds, folded
 * kind tests, and the null-guarded and finite-number bindings every catalogue
 * emitter is written with. Each compiler extends {@link EmitterCore} with its
 * own syntax (how a temp is bound, how a kind is tested, how a number is
 * checked finite); the functions themselves are in `catalogue/`.
 *
 * @module
 */

/** What a compiler knows statically about an operand (only literals are known). */
export type Kind = "number" | "string" | "boolean" | "null" | "unknown";

/** The kinds a test can ask about (the primitive kinds functions accept). */
export type TestKind = "number" | "string" | "boolean";

/** A compiled sub-expression: source for its value (a temp, a literal, a constant) and its static kind. */
export interface Operand {
  readonly code: string;
  readonly kind: Kind;
}

/** The operand `null`; emitters return it when a result is statically null. */
export const NULL: Operand = { code: "null", kind: "null" };

/**
 * A type test folded to `"true"`/`"false"` when the operand's kind is known;
 * `render` writes the run-time test in the target's syntax for an unknown kind.
 */
export const foldKindTest = (o: Operand, type: TestKind, render: (code: string) => string): string =>
  o.kind === type ? "true" : o.kind !== "unknown" ? "false" : render(o.code);

/** Conjunction of folded tests: `"true"`, `"false"`, or a condition. */
export const all = (tests: readonly string[]): string => {
  if (tests.includes("false")) return "false";
  const real = tests.filter((x) => x !== "true");
  return real.length === 0 ? "true" : real.join(" && ");
};

/** Freezes `v` and everything it holds: compiled functions are cached and share their constants. */
export const deepFreeze = <T>(v: T): T => {
  if (typeof v === "object" && v !== null) {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
};

/** JavaScript operators of the binary arithmetic functions (the same in both targets). */
export const ARITHMETIC = { add: "+", sub: "-", mul: "*", div: "/", mod: "%" } as const;

/** JavaScript operators of the ordering functions (the same in both targets). */
export const COMPARISON = { lt: "<", lte: "<=", gt: ">", gte: ">=" } as const;

/**
 * The bindings every emitter uses, written once over the three things a
 * target must say in its own syntax.
 */
export abstract class EmitterCore {
  /** Binds `value` (an expression of the target) to a fresh temp. */
  abstract bind(value: string): Operand;

  /** A type test of `o`, folded when its kind is known. */
  abstract is(o: Operand, type: TestKind): string;

  /** `o` with a non-finite number replaced by null (`o` is a temp just bound). */
  protected abstract finite(o: Operand): Operand;

  /** `value` when `test` holds, else null; nothing is emitted when `test` is statically false. */
  guarded(test: string, value: string): Operand {
    if (test === "false") return NULL;
    return this.bind(test === "true" ? value : `${test} ? ${value} : null`);
  }

  /** Like {@link guarded} for a number result: non-finite becomes null. */
  numeric(test: string, value: string): Operand {
    const o = this.guarded(test, value);
    return o === NULL ? o : this.finite(o);
  }
}
