/**
 * Validation of untrusted JSON as an expression AST.
 *
 * Everything that reaches the compiler passes through here, so this is where
 * the AST is closed: only the six node kinds, only catalogue functions with the
 * right number of arguments, only JSON literals, no unexpected keys. Every
 * failure names what was expected and how to fix it.
 *
 * @module
 */

import * as t from "io-ts";
import { isRight } from "fp-ts/lib/Either.js";
import { MAX_DEPTH, deepPathOf, showDeepPath } from "../core/depth.ts";
import { DefinitionError } from "../core/errors.ts";
import { didYouMean as suggest } from "../core/suggest.ts";
import { FUNCTIONS, isFunctionName } from "./ast.ts";
import type { Expr } from "./ast.ts";
import { patternArguments, specOf } from "./catalogue/index.ts";
import { REGEX_FIX, regexProblem } from "./regex.ts";

export { REGEX_FIX, regexProblem } from "./regex.ts";

/** The node kinds, with the keys each may (and must) have. */
const NODE_KEYS = {
  field: ["op", "path"],
  lit: ["op", "value"],
  row: ["op"],
  struct: ["op", "fields"],
  array: ["op", "items"],
  call: ["op", "fn", "args"],
} as const;

const OPS = Object.keys(NODE_KEYS) as (keyof typeof NODE_KEYS)[];
const FUNCTION_NAMES = Object.keys(FUNCTIONS);

/**
 * The separator between problem and fix inside a failure message. Fix texts
 * never contain user text, so the last occurrence is the real one.
 */
const FIX = ". Fix: ";

/** One validation error; several are collected per node, so this returns the error, not a Validation. */
const failure = (u: unknown, c: t.Context, problem: string, fix: string): t.ValidationError => {
  const v = t.failure<never>(u, c, problem + FIX + fix);
  return (v as { left: t.Errors }).left[0]!;
};

const at = (c: t.Context, key: string | number, actual: unknown): t.Context => t.appendContext(c, String(key), t.unknown, actual);

/** A short description of a found value for messages. */
const describe = (u: unknown): string => {
  if (u === undefined) return "nothing";
  if (u === null) return "null";
  if (Array.isArray(u)) return `an array of ${u.length}`;
  switch (typeof u) {
    case "string":
      return `string ${JSON.stringify(u.length > 40 ? u.slice(0, 40) + "…" : u)}`;
    case "number":
    case "boolean":
      return `${typeof u} ${String(u)}`;
    case "object":
      return "an object";
    default:
      return `a ${typeof u}`;
  }
};

const isPlainObject = (u: unknown): u is Record<string, unknown> => {
  if (u === null || typeof u !== "object" || Array.isArray(u)) return false;
  const proto = Object.getPrototypeOf(u);
  return proto === Object.prototype || proto === null;
};

const JSON_FIX = "use a JSON value: null, a boolean, a finite number, a string, an array or a plain object";

/** Checks that a literal is plain JSON, descending so the path points at the bad part. */
const validateJson = (u: unknown, c: t.Context, ancestors: unknown[]): t.Errors => {
  switch (typeof u) {
    case "string":
    case "boolean":
      return [];
    case "number":
      return Number.isFinite(u) ? [] : [failure(u, c, `the non-finite number ${u} is not JSON`, "use null or a finite number")];
    case "object": {
      if (u === null) return [];
      if (ancestors.includes(u)) return [failure(u, c, "the literal contains itself (a cycle)", JSON_FIX)];
      const inner = [...ancestors, u];
      if (Array.isArray(u)) {
        // Array.from visits holes too, which JSON cannot represent.
        return Array.from(u, (v, i) => validateJson(v, at(c, i, v), inner)).flat();
      }
      if (!isPlainObject(u)) return [failure(u, c, `expected a plain JSON object, got an instance of ${u.constructor?.name ?? "a class"}`, JSON_FIX)];
      return Object.entries(u).flatMap(([k, v]) => validateJson(v, at(c, k, v), inner));
    }
    default:
      return [failure(u, c, `${describe(u)} is not JSON`, JSON_FIX)];
  }
};

const arityText = (fn: string, [min, max]: readonly [number, number]): string =>
  max === -1
    ? `"${fn}" takes at least ${min} arguments`
    : min === max
      ? `"${fn}" takes ${min} argument${min === 1 ? "" : "s"}`
      : `"${fn}" takes ${min} to ${max} arguments`;

/** Validates one node's own shape; `child` validates sub-expressions. */
const validateNode = (u: unknown, c: t.Context, child: (v: unknown, c: t.Context) => t.Errors): t.Errors => {
  if (!isPlainObject(u)) {
    return [
      failure(
        u,
        c,
        `expected an expression object such as {"op":"field","path":["x"]}, got ${describe(u)}`,
        `write the expression as an object with an "op" key (one of: ${OPS.join(", ")})`,
      ),
    ];
  }
  const op = u["op"];
  if (typeof op !== "string" || !Object.hasOwn(NODE_KEYS, op)) {
    const found = typeof op === "string" ? `unknown op ${JSON.stringify(op)}` : `"op" must be a string, got ${describe(op)}`;
    return [
      failure(
        op,
        at(c, "op", op),
        `${found}; expected one of: ${OPS.join(", ")}`,
        `set "op" to one of the expected kinds${typeof op === "string" ? suggest(op, OPS) : ""}`,
      ),
    ];
  }
  const allowed: readonly string[] = NODE_KEYS[op as keyof typeof NODE_KEYS];
  const errors: t.Errors[] = Object.keys(u)
    .filter((k) => !allowed.includes(k))
    .map((k) => [
      failure(u[k], at(c, k, u[k]), `unexpected key ${JSON.stringify(k)} in a "${op}" expression; expected only: ${allowed.join(", ")}`, "remove the key"),
    ]);

  switch (op) {
    case "field": {
      const path = u["path"];
      const pc = at(c, "path", path);
      if (!Array.isArray(path) || path.length === 0) {
        // Splitting on "." keeps FIX out of this user-derived suggestion.
        const dotted = typeof path === "string" && path !== "" ? ` such as ${JSON.stringify(path.split("."))}` : "";
        errors.push([
          failure(path, pc, `"path" must be a non-empty array of strings, got ${describe(path)}`, `write the path as an array of field names${dotted}`),
        ]);
        break;
      }
      path.forEach((k, i) => {
        if (typeof k !== "string")
          errors.push([failure(k, at(pc, i, k), `a path element must be a string, got ${describe(k)}`, "write each field name as a string")]);
      });
      break;
    }
    case "lit":
      if (!("value" in u))
        errors.push([failure(undefined, at(c, "value", undefined), `a "lit" expression needs a "value"`, `add "value" (use null for a null literal)`)]);
      else errors.push(validateJson(u["value"], at(c, "value", u["value"]), []));
      break;
    case "row":
      break;
    case "struct": {
      const fields = u["fields"];
      const fc = at(c, "fields", fields);
      if (!Array.isArray(fields)) {
        errors.push([
          failure(fields, fc, `"fields" must be an array of [name, expression] pairs, got ${describe(fields)}`, `write the fields as [["name", {"op":…}], …]`),
        ]);
        break;
      }
      const seen = new Map<string, number>();
      fields.forEach((pair, i) => {
        const pcx = at(fc, i, pair);
        if (!Array.isArray(pair) || pair.length !== 2) {
          errors.push([failure(pair, pcx, `expected a [name, expression] pair, got ${describe(pair)}`, `write the field as ["name", {"op":…}]`)]);
          return;
        }
        const [name, e] = pair;
        const nc = at(pcx, 0, name);
        if (typeof name !== "string" || name === "") {
          errors.push([failure(name, nc, `a struct field name must be a non-empty string, got ${describe(name)}`, "give the field a non-empty name")]);
        } else if (seen.has(name)) {
          errors.push([
            failure(
              name,
              nc,
              `duplicate struct field name ${JSON.stringify(name)} (first at fields[${seen.get(name)}])`,
              "give every field of a struct a different name",
            ),
          ]);
        } else {
          seen.set(name, i);
        }
        errors.push(child(e, at(pcx, 1, e)));
      });
      break;
    }
    case "array": {
      const items = u["items"];
      const ic = at(c, "items", items);
      if (!Array.isArray(items))
        errors.push([failure(items, ic, `"items" must be an array of expressions, got ${describe(items)}`, `write the items as [{"op":…}, …]`)]);
      else items.forEach((e, i) => errors.push(child(e, at(ic, i, e))));
      break;
    }
    case "call": {
      const fn = u["fn"];
      const args = u["args"];
      const ac = at(c, "args", args);
      if (typeof fn !== "string" || !isFunctionName(fn)) {
        const found = typeof fn === "string" ? `unknown function ${JSON.stringify(fn)}` : `"fn" must be a string, got ${describe(fn)}`;
        errors.push([
          failure(
            fn,
            at(c, "fn", fn),
            `${found}; expected one of: ${FUNCTION_NAMES.join(", ")}`,
            `use a function from the catalogue${typeof fn === "string" ? suggest(fn, FUNCTION_NAMES) : ""}`,
          ),
        ]);
      }
      if (!Array.isArray(args)) {
        errors.push([failure(args, ac, `"args" must be an array of expressions, got ${describe(args)}`, `write the arguments as [{"op":…}, …]`)]);
        break;
      }
      if (typeof fn === "string" && isFunctionName(fn)) {
        const arity = FUNCTIONS[fn];
        const [min, max] = arity;
        if (args.length < min || (max !== -1 && args.length > max)) {
          errors.push([
            failure(
              args,
              ac,
              `${arityText(fn, arity)}, got ${args.length}`,
              `pass ${max === -1 ? `${min} or more arguments` : min === max ? `exactly ${min} argument${min === 1 ? "" : "s"}` : `${min} to ${max} arguments`}`,
            ),
          ]);
        }
        // Arguments of kind `pattern` (catalogue) that are literal strings are compiled here, so a bad one fails the definition.
        for (const i of patternArguments(specOf(fn), args.length)) {
          const pattern = args[i];
          if (!isPlainObject(pattern) || pattern["op"] !== "lit" || typeof pattern["value"] !== "string") continue;
          const problem = regexProblem(pattern["value"]);
          if (problem)
            errors.push([
              failure(
                pattern["value"],
                at(at(ac, i, pattern), "value", pattern["value"]),
                `invalid regular expression ${JSON.stringify(pattern["value"])} for "${fn}": ${problem}`,
                REGEX_FIX,
              ),
            ]);
        }
      }
      args.forEach((e, i) => errors.push(child(e, at(ac, i, e))));
      break;
    }
  }
  return errors.flat();
};

const RecursiveExpr = t.recursion<Expr>("Expr", (self) => {
  const child = (v: unknown, c: t.Context): t.Errors => {
    const r = self.validate(v, c);
    return isRight(r) ? [] : r.left;
  };
  return new t.Type<Expr, Expr, unknown>(
    "Expr",
    (u): u is Expr => isRight(self.decode(u)),
    (u, c) => {
      const errors = validateNode(u, c, child);
      return errors.length === 0 ? t.success(u as Expr) : t.failures(errors);
    },
    t.identity,
  );
});

/**
 * The io-ts codec for {@link Expr}: decoding succeeds with the input itself
 * (no copy) when it is a well-formed expression, and fails with one readable
 * error per problem, each message of the form `problem. Fix: instruction`.
 *
 * It is a plain `t.Type` around the recursion on purpose: path reporters
 * commonly skip the key below a `RecursiveType` (io-ts adds no context entry
 * for it), which would drop the first key inside every expression.
 */
export const ExprCodec: t.Type<Expr, Expr, unknown> = new t.Type<Expr, Expr, unknown>("Expr", RecursiveExpr.is, RecursiveExpr.validate, t.identity);

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** The JSON path of a context below the root, e.g. `.args[1].fn`. */
const contextPath = (c: t.Context): string => {
  let out = "";
  for (let i = 1; i < c.length; i++) {
    const key = c[i]!.key;
    if (Array.isArray(c[i - 1]!.actual)) out += `[${key}]`;
    else out += IDENTIFIER.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
  }
  return out;
};

/**
 * Validates `json` as an expression.
 *
 * @param json  the candidate expression, typically straight from a parsed plan
 * @param path  where `json` sits in the plan (e.g. `nodes[2].expr`); error paths extend it
 * @returns one {@link DefinitionError} per problem; empty when `json` is a valid {@link Expr}
 */
export const validateExpr = (json: unknown, path: string): DefinitionError[] => {
  // Before the recursive validation (and the compilers after it), which a deep enough value would overflow.
  const deep = deepPathOf(json, MAX_DEPTH);
  if (deep !== undefined) {
    if (deep.cycle)
      return [new DefinitionError(path || "(expression)", `the expression contains itself (a cycle, at ${showDeepPath(path, deep.path)})`, JSON_FIX)];
    return [
      new DefinitionError(
        path || "(expression)",
        `nested deeper than ${MAX_DEPTH} levels of arrays and objects (at ${showDeepPath(path, deep.path)}), the limit for a definition (docs/semantics.md §1)`,
        "split the expression across several map stages, or use n-ary calls (and, or, coalesce, concat) instead of chains of two-argument ones",
      ),
    ];
  }
  const result = ExprCodec.decode(json);
  if (isRight(result)) return [];
  return result.left.map((e) => {
    const suffix = contextPath(e.context);
    const where = path === "" ? suffix.replace(/^\./, "") || "(expression)" : path + suffix;
    const message = e.message ?? "invalid expression";
    const split = message.lastIndexOf(FIX);
    return split === -1
      ? new DefinitionError(where, message, "correct the expression")
      : new DefinitionError(where, message.slice(0, split), message.slice(split + FIX.length));
  });
};
