/**
 * Three-valued boolean logic (SQL): and(false, null) = false, and(true, null)
 * = null, or(true, null) = true, or(false, null) = null, not(null) = null.
 * A non-boolean operand counts as unknown.
 *
 * @module
 */
import type { Operand } from "../emit-core.ts";
import type { FunctionSpec, JsContext } from "./spec.ts";
import { BOOLEAN } from "./types.ts";

/** The value that decides the result (`win`) and the one that lets evaluation go on (`lose`). */
const VALUES = { and: ["false", "true"], or: ["true", "false"] } as const;

/** JavaScript: the deciding value stops evaluation; anything but true/false makes the result unknown. */
const lazyJs = (fn: "and" | "or", c: JsContext): Operand => {
  const t = c.temp();
  const [win, lose] = VALUES[fn];
  c.line(`${t} = ${lose};`);
  const step = (i: number): void => {
    const a = c.arg(i);
    if (i === c.count - 1) {
      c.line(`if (${a.code} === ${win}) ${t} = ${win}; else if (${a.code} !== ${lose}) ${t} = null;`);
      return;
    }
    c.line(`if (${a.code} === ${win}) ${t} = ${win};`);
    c.block("else", () => {
      c.line(`if (${a.code} !== ${lose}) ${t} = null;`);
      step(i + 1);
    });
  };
  step(0);
  return { code: t, kind: "unknown" };
};

const junction = (fn: "and" | "or", rule: string): FunctionSpec => ({
  rule,
  arity: [2, -1],
  args: ["boolean"],
  nulls: "lazy",
  result: BOOLEAN,
  js: (c) => lazyJs(fn, c),
  // Eager (see compile-arquero.ts): the deciding value wins, else unknown.
  arquero: (c) => {
    const [win, lose] = VALUES[fn];
    const wins = c.args.map((o) => `${o.code} === ${win}`).join(" || ");
    const loses = c.args.map((o) => `${o.code} === ${lose}`).join(" && ");
    return c.bind(`${wins} ? ${win} : ${loses} ? ${lose} : null`);
  },
  // SQL's AND/OR are three-valued already; an operand that is not a boolean counts as unknown.
  sql: (c) => c.bind(c.args.map((o) => (o.kind === "boolean" ? o.code : "CAST(NULL AS BOOLEAN)")).join(fn === "and" ? " AND " : " OR ")),
});

const not: FunctionSpec["arquero"] = (c) => c.bind(`${c.args[0]!.code} === true ? false : ${c.args[0]!.code} === false ? true : null`);

/** The logic functions. */
export const logic = {
  and: junction("and", "false if any operand is false, else true if all are true, else null"),
  or: junction("or", "true if any operand is true, else false if all are false, else null"),
  not: {
    rule: "true ↔ false, anything else → null",
    arity: [1, 1],
    args: ["boolean"],
    nulls: "strict",
    result: BOOLEAN,
    js: not,
    arquero: not,
    sql: (c) => c.guarded(c.test, `NOT ${c.args[0]!.code}`),
  },
} satisfies Record<string, FunctionSpec>;
