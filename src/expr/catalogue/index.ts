/**
 * The expression catalogue: every function an expression may call, as data
 * ({@link FunctionSpec}). The codec's arity and pattern checks, the result
 * types of `src/plan/expr-types.ts`, and the compilers (`compile-js.ts`,
 * `compile-arquero.ts`, `compile-sql.ts`) read this table; the reference interpreter
 * (`interpret.ts`) deliberately does not — it is the independent oracle the
 * compilers are tested against.
 *
 * Adding a function: an entry in the family module it belongs to (or a new
 * family added below), a case in `interpret.ts`, tests, docs (docs/ARCHITECTURE.md).
 *
 * @module
 */
import { arithmetic } from "./arithmetic.ts";
import { collection } from "./collection.ts";
import { comparison } from "./comparison.ts";
import { conversion } from "./conversion.ts";
import { logic } from "./logic.ts";
import { nulls } from "./nulls.ts";
import { regex } from "./regex.ts";
import { argKind } from "./spec.ts";
import type { FunctionSpec, Helper } from "./spec.ts";
import { string } from "./string.ts";

export type { ArgKind, ArqueroContext, EmitContext, FunctionSpec, Helper, JsContext, NullRule, ResultRule, SqlContext } from "./spec.ts";
export { argKind } from "./spec.ts";

/** Every function, by name, in the order the codec lists them. */
export const CATALOGUE = {
  ...arithmetic,
  ...comparison,
  ...logic,
  ...nulls,
  ...string,
  ...regex,
  ...conversion,
  ...collection,
} satisfies Record<string, FunctionSpec>;

/** Names of the functions an expression may call. */
export type CatalogueName = keyof typeof CATALOGUE;

/** The entry of `name`. */
export const specOf = (name: CatalogueName): FunctionSpec => CATALOGUE[name];

/** The entries with their names. */
export const catalogueEntries = (): readonly (readonly [CatalogueName, FunctionSpec])[] => Object.entries(CATALOGUE) as [CatalogueName, FunctionSpec][];

/**
 * The run-time helpers of one target, merged over the catalogue. A name two
 * functions declare must be the same function (or the generated code of one
 * would call the other's), and none may be one of the `reserved` names the
 * compiler defines itself.
 */
export const catalogueHelpers = (target: "js" | "arquero", reserved: readonly string[] = []): Readonly<Record<string, Helper>> => {
  const out: Record<string, Helper> = {};
  for (const [name, spec] of catalogueEntries()) {
    for (const [helper, fn] of Object.entries(spec.helpers?.[target] ?? {})) {
      if (reserved.includes(helper)) throw new Error(`internal: ${target} helper "${helper}" of "${name}" is a name the compiler owns`);
      if (Object.hasOwn(out, helper) && out[helper] !== fn) throw new Error(`internal: ${target} helper "${helper}" of "${name}" is declared twice`);
      out[helper] = fn;
    }
  }
  return out;
};

/** Positions of the `pattern` arguments of `spec` among `count` arguments. */
export const patternArguments = (spec: FunctionSpec, count: number): number[] => {
  const out: number[] = [];
  for (let i = 0; i < count; i++) if (argKind(spec, i) === "pattern") out.push(i);
  return out;
};
