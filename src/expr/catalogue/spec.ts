/**
 * The shape of one catalogue entry ({@link FunctionSpec}) and of what its
 * emitters are given. A function is data: its arity, the kind each argument
 * must have, how it treats null, what it yields, and one emitter per compiler
 * target — as arquero's own code generator visits a table of functions.
 *
 * @module
 */
import type { SchemaJson } from "../../schema/json-schema.ts";
import type { Operand, TestKind } from "../emit-core.ts";

/**
 * The kind an argument must have. `any` takes every value; `pattern` is a
 * string holding an RE2 regular expression, checked when it is a literal
 * (by the codec) and compiled once at compile time.
 */
export type ArgKind = "any" | TestKind | "pattern";

/**
 * How a function treats null operands:
 * - `strict`: any null operand gives null, and so does an operand of the wrong kind;
 * - `never`: the result is never null (`isNull`);
 * - `lazy`: it decides itself and evaluates operands on demand, left to right
 *   (`and`, `or`, `coalesce`, `if`; only the JavaScript target is lazy, see `compile-arquero.ts`).
 */
export type NullRule = "strict" | "never" | "lazy";

/** A JavaScript function handed to generated code (JS helpers) or registered with arquero. */
export type Helper = (...args: never[]) => unknown;

/**
 * What an emitter gets in both targets. Safety: an emitter assembles only the
 * `code` of operands (which the compiler produced: temps, literals escaped by
 * `JSON.stringify`, constants) and text of its own; a pattern reaches the
 * source only as the constant or run-time lookup `pattern(i)` returns.
 */
export interface EmitContext {
  /** The operands, already emitted (empty for a lazy function in the JavaScript target: use `arg`). */
  readonly args: readonly Operand[];
  /** The conjunction of the kind tests of the arguments' {@link ArgKind}s (`"true"` when all are `any`). */
  readonly test: string;
  /** A type test of an operand, folded when its kind is known. */
  is(o: Operand, type: TestKind): string;
  /** Binds a value to a fresh temp. */
  bind(value: string): Operand;
  /** `value` when `test` holds, else null. */
  guarded(test: string, value: string): Operand;
  /** Like `guarded` for a number: non-finite becomes null. */
  numeric(test: string, value: string): Operand;
  /** Code for the compiled regular expression of `pattern` argument `i` (a constant for a literal). */
  pattern(i: number): string;
}

/** The JavaScript target adds statements, so lazy functions can branch. */
export interface JsContext extends EmitContext {
  /** Number of arguments. */
  readonly count: number;
  /** Emits argument `i` where the call is (lazy functions emit only what they reach). */
  arg(i: number): Operand;
  /** A fresh temp name. */
  temp(): string;
  /** Emits one statement. */
  line(code: string): void;
  /** Emits `open { … }` with `emit` inside. */
  block(open: string, emit: () => void): void;
}

/** The arquero target is one expression per binding; operands are always emitted first. */
export type ArqueroContext = EmitContext;

/**
 * The SQL target (Flink SQL, `compile-sql.ts`): every operand has a static
 * kind (SQL columns are typed), so kind tests fold and `test` is always
 * `"true"` or `"false"`. A function whose rule SQL's built-ins cannot state
 * exactly calls `refuse` with the reason: the definition is refused before
 * anything runs, never run with a different result.
 */
export interface SqlContext extends EmitContext {
  /** Refuses the call: `reason` says what differs between the rule and SQL. */
  refuse(reason: string): never;
}

/** The schema of a result from the schemas of the operands; `union` is the flattened union. */
export type ResultRule = (operands: readonly SchemaJson[], union: (members: readonly SchemaJson[]) => SchemaJson) => SchemaJson;

/** One function of the catalogue. */
export interface FunctionSpec {
  /** The rule in one line (docs/semantics.md §15 has the rest). */
  readonly rule: string;
  /** `[min, max]` number of arguments; max `-1` = variadic. */
  readonly arity: readonly [number, number];
  /** Kind of each argument by position; the last repeats for later arguments. */
  readonly args: readonly ArgKind[];
  /** How null operands are treated. */
  readonly nulls: NullRule;
  /** The schema of what it yields when operands do not decide it (absent: unknown). */
  readonly result?: SchemaJson | ResultRule;
  /** Emits the JavaScript of a call. */
  readonly js: (c: JsContext) => Operand;
  /** Emits the arquero expression of a call. */
  readonly arquero: (c: ArqueroContext) => Operand;
  /** Emits the Flink SQL of a call, or refuses it (see {@link SqlContext}). */
  readonly sql: (c: SqlContext) => Operand;
  /** Run-time functions the emitted code calls, by the name it calls them (arquero names start with `ls_`). */
  readonly helpers?: { readonly js?: Readonly<Record<string, Helper>>; readonly arquero?: Readonly<Record<string, Helper>> };
}

/** The kind argument `i` of `spec` must have. */
export const argKind = (spec: FunctionSpec, i: number): ArgKind => spec.args[Math.min(i, spec.args.length - 1)]!;
