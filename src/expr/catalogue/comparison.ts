/**
 * Comparison: numbers with numbers, strings with strings (by UTF-16 code
 * unit), booleans with booleans; mixed kinds → null; a null operand → null.
 * Equality is also defined between arrays and between objects (canonical JSON).
 *
 * @module
 */
import { canonicalJson } from "../../core/canonical.ts";
import { COMPARISON, NULL } from "../emit-core.ts";
import type { Operand } from "../emit-core.ts";
import type { EmitContext, FunctionSpec } from "./spec.ts";
import { BOOLEAN } from "./types.ts";

const comparable = (a: unknown, b: unknown): boolean => {
  const t = typeof a;
  return (t === "number" || t === "string" || t === "boolean") && typeof b === t;
};

/** `eq` at run time: same-kind equality, canonical JSON for arrays and objects, else null. */
const equals = (a: unknown, b: unknown): boolean | null => {
  if (a === null || b === null) return null;
  if (comparable(a, b)) return a === b;
  const arr = Array.isArray(a);
  if (arr !== Array.isArray(b) || typeof a !== "object" || typeof b !== "object") return null;
  return canonicalJson(a) === canonicalJson(b);
};

/**
 * The static part both targets share: null when an operand is the literal
 * null; when one operand's kind is known, the other only needs the same
 * kind and the JS operator decides (`inline`); else `dynamic` emits the general case.
 */
const compare = (c: EmitContext, operator: string, dynamic: (x: Operand, y: Operand) => Operand): Operand => {
  const [x, y] = c.args as [Operand, Operand];
  if (x.kind === "null" || y.kind === "null") return NULL;
  const [known, other] = x.kind !== "unknown" ? [x, y] : [y, x];
  if (known.kind === "unknown") return dynamic(x, y);
  return c.guarded(c.is(other, known.kind as "number"), `${x.code} ${operator} ${y.code}`);
};

const equality = (fn: "eq" | "neq", rule: string): FunctionSpec => ({
  rule,
  arity: [2, 2],
  args: ["any", "any"],
  nulls: "strict",
  result: BOOLEAN,
  js: (c) => compare(c, fn === "eq" ? "===" : "!==", (x, y) => c.guarded("true", `${fn}(${x.code}, ${y.code})`)),
  arquero: (c) =>
    compare(c, fn === "eq" ? "===" : "!==", (x, y) => {
      const eq = c.bind(`op.ls_eq(${x.code}, ${y.code})`);
      return fn === "eq" ? eq : c.bind(`${eq.code} === null ? null : !${eq.code}`);
    }),
  // Kinds are static in SQL, so `dynamic` (an operand of unknown kind) cannot happen.
  sql: (c) => compare(c, fn === "eq" ? "=" : "<>", () => c.refuse(`${fn} of operands of unknown kind`)),
  helpers: {
    js:
      fn === "eq"
        ? { eq: equals }
        : {
            neq: (a: unknown, b: unknown): boolean | null => {
              const e = equals(a, b);
              return e === null ? null : !e;
            },
          },
    arquero: { ls_eq: equals },
  },
});

const ordering = (fn: keyof typeof COMPARISON, order: (a: number, b: number) => boolean): FunctionSpec => ({
  rule: `a ${COMPARISON[fn]} b`,
  arity: [2, 2],
  args: ["any", "any"],
  nulls: "strict",
  result: BOOLEAN,
  js: (c) => compare(c, COMPARISON[fn], (x, y) => c.guarded("true", `${fn}(${x.code}, ${y.code})`)),
  arquero: (c) =>
    compare(c, COMPARISON[fn], (x, y) => {
      // Ordering exists only between two numbers, two strings or two booleans.
      const k = c.bind(`typeof (${x.code} ?? null)`);
      return c.guarded(
        `(${k.code} === "number" || ${k.code} === "string" || ${k.code} === "boolean") && ${k.code} === typeof (${y.code} ?? null)`,
        `${x.code} ${COMPARISON[fn]} ${y.code}`,
      );
    }),
  // Numbers only: Flink orders strings by UTF-8 bytes (code points), lockstep by UTF-16 code units.
  sql: (c) => {
    const kinds = c.args.map((o) => o.kind);
    if (kinds.includes("string")) c.refuse(`${fn} on strings: Flink SQL orders strings by code point, lockstep by UTF-16 code unit`);
    if (kinds.includes("boolean")) c.refuse(`${fn} on booleans is not in the Flink slice yet`);
    return compare(c, COMPARISON[fn], () => c.refuse(`${fn} of operands of unknown kind`));
  },
  // `as number` only to let TS apply `<`: comparable() guarantees one primitive kind.
  helpers: { js: { [fn]: (a: unknown, b: unknown) => (comparable(a, b) ? order(a as number, b as number) : null) } },
});

/** The comparison functions. */
export const comparison = {
  eq: equality("eq", "deep equality for arrays/objects (canonical JSON equality)"),
  neq: equality("neq", "not eq"),
  lt: ordering("lt", (a, b) => a < b),
  lte: ordering("lte", (a, b) => a <= b),
  gt: ordering("gt", (a, b) => a > b),
  gte: ordering("gte", (a, b) => a >= b),
} satisfies Record<string, FunctionSpec>;
