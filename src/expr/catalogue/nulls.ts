/**
 * Null handling: the functions that look at null instead of propagating it.
 *
 * @module
 */
import type { FunctionSpec } from "./spec.ts";
import { BOOLEAN } from "./types.ts";

const isNull: FunctionSpec["arquero"] = (c) => c.bind(`${c.args[0]!.code} === null`);

/** The null-handling functions. */
export const nulls = {
  isNull: {
    rule: "true when null or missing, never null itself",
    arity: [1, 1],
    args: ["any"],
    nulls: "never",
    result: BOOLEAN,
    js: isNull,
    arquero: isNull,
    sql: (c) => c.bind(`${c.args[0]!.code} IS NULL`),
  },
  coalesce: {
    rule: "first non-null argument, else null",
    arity: [2, -1],
    args: ["any"],
    nulls: "lazy",
    result: (operands, union) => union(operands.filter((s) => !("type" in s && s.type === "null"))),
    js: (c) => {
      const t = c.temp();
      const step = (i: number): void => {
        const a = c.arg(i);
        if (i === c.count - 1) return c.line(`${t} = ${a.code};`);
        c.line(`if (${a.code} !== null) ${t} = ${a.code};`);
        c.block("else", () => step(i + 1));
      };
      step(0);
      return { code: t, kind: "unknown" };
    },
    arquero: (c) =>
      c.bind(
        c.args
          .slice(0, -1)
          .map((o) => `${o.code} !== null ? ${o.code} : `)
          .join("") + c.args[c.args.length - 1]!.code,
      ),
    sql: (c) => c.bind(`COALESCE(${c.args.map((o) => o.code).join(", ")})`),
  },
  if: {
    rule: "if(cond, then, else): `then` only when cond is exactly true",
    arity: [3, 3],
    args: ["boolean", "any", "any"],
    nulls: "lazy",
    result: (operands, union) => union(operands.slice(1)),
    js: (c) => {
      const t = c.temp();
      const cond = c.arg(0);
      c.block(`if (${cond.code} === true)`, () => c.line(`${t} = ${c.arg(1).code};`));
      c.block("else", () => c.line(`${t} = ${c.arg(2).code};`));
      return { code: t, kind: "unknown" };
    },
    arquero: (c) => c.bind(`${c.args[0]!.code} === true ? ${c.args[1]!.code} : ${c.args[2]!.code}`),
    // CASE takes THEN only for TRUE: a null or non-boolean condition takes ELSE, as the rule says.
    sql: (c) => c.bind(`CASE WHEN ${c.args[0]!.kind === "boolean" ? c.args[0]!.code : "FALSE"} THEN ${c.args[1]!.code} ELSE ${c.args[2]!.code} END`),
  },
} satisfies Record<string, FunctionSpec>;
