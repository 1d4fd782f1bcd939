/**
 * Arithmetic: numbers only (anything else → null), and a result that is not
 * a finite number (division by zero, overflow) is null.
 *
 * @module
 */
import { ARITHMETIC } from "../emit-core.ts";
import type { FunctionSpec } from "./spec.ts";
import { NUMBER } from "./types.ts";

const binary = (fn: keyof typeof ARITHMETIC, rule: string): FunctionSpec => {
  // Division or modulo by zero gives ±Infinity or NaN, which `numeric` turns into null.
  const emit: FunctionSpec["arquero"] = (c) => c.numeric(c.test, `${c.args[0]!.code} ${ARITHMETIC[fn]} ${c.args[1]!.code}`);
  // Flink's MOD takes exact numerics only; its planner folds a constant `x / 0` with BigDecimal and fails,
  // so a zero divisor becomes NULL first (the rule's result for it anyway).
  const sql: FunctionSpec["sql"] =
    fn === "mod"
      ? (c) => c.refuse("mod: Flink's MOD takes exact numerics only, not doubles")
      : fn === "div"
        ? (c) => c.numeric(c.test, `${c.args[0]!.code} / NULLIF(${c.args[1]!.code}, 0E0)`)
        : emit;
  return { rule, arity: [2, 2], args: ["number", "number"], nulls: "strict", result: NUMBER, js: emit, arquero: emit, sql };
};

/** `Math.<fn>` of one number: the JS helper of that name, arquero's `op.<fn>`. */
const math = (fn: "abs" | "floor" | "ceil", rule: string): FunctionSpec => ({
  rule,
  arity: [1, 1],
  args: ["number"],
  nulls: "strict",
  result: NUMBER,
  js: (c) => c.numeric(c.test, `${fn}(${c.args[0]!.code})`),
  arquero: (c) => c.numeric(c.test, `op.${fn}(${c.args[0]!.code})`),
  sql: (c) => c.guarded(c.test, `${fn.toUpperCase()}(${c.args[0]!.code})`),
  helpers: { js: { [fn]: Math[fn] } },
});

/** The arithmetic functions. */
export const arithmetic = {
  add: binary("add", "a + b"),
  sub: binary("sub", "a - b"),
  mul: binary("mul", "a * b"),
  div: binary("div", "a / b; b = 0 → null"),
  mod: binary("mod", "a % b (sign of a, like JS); b = 0 → null"),
  neg: {
    rule: "-a",
    arity: [1, 1],
    args: ["number"],
    nulls: "strict",
    result: NUMBER,
    js: (c) => c.numeric(c.test, `-${c.args[0]!.code}`),
    arquero: (c) => c.numeric(c.test, `-${c.args[0]!.code}`),
    sql: (c) => c.guarded(c.test, `-${c.args[0]!.code}`),
  },
  abs: math("abs", "|a|"),
  floor: math("floor", "the largest integer ≤ a"),
  ceil: math("ceil", "the smallest integer ≥ a"),
  round: {
    rule: "half away from zero: round(-2.5) = -3, round(2.5) = 3",
    arity: [1, 1],
    args: ["number"],
    nulls: "strict",
    result: NUMBER,
    // Half away from zero; Math.round alone rounds halves up (-2.5 → -2).
    js: (c) => {
      const x = c.args[0]!.code;
      return c.numeric(c.test, `${x} < 0 ? -mround(-${x}) : mround(${x})`);
    },
    arquero: (c) => {
      const x = c.args[0]!.code;
      return c.numeric(c.test, `${x} < 0 ? -op.round(-${x}) : op.round(${x})`);
    },
    // Flink's ROUND(DOUBLE, 0) rounds the decimal of Double.toString HALF_UP: half away from zero.
    sql: (c) => c.guarded(c.test, `ROUND(${c.args[0]!.code}, 0)`),
    helpers: { js: { mround: Math.round } },
  },
} satisfies Record<string, FunctionSpec>;
