/**
 * The field references of an expression and, where it can be known, the
 * schema of what it yields — enough for `map`, `flatMap` and aggregates to
 * give the next stage a row type. Types are approximate on purpose: they say
 * which fields exist, not whether a value may be null (every operator may
 * yield null, §15), and `unknown` wherever a result depends on data.
 *
 * @module
 */
import type { Expr, Json } from "../expr/ast.ts";
import { specOf } from "../expr/catalogue/index.ts";
import type { SchemaJson } from "../schema/json-schema.ts";
import { anyOf, fieldsOf, objectOf, readPath, UNKNOWN } from "./schema-fields.ts";
import type { PathResult } from "./schema-fields.ts";

const NUMBER: SchemaJson = { type: "number" };
const STRING: SchemaJson = { type: "string" };
const BOOLEAN: SchemaJson = { type: "boolean" };

const typeOfJson = (v: Json): SchemaJson => {
  if (v === null) return { type: "null" };
  if (Array.isArray(v)) return { type: "array", items: v.length === 0 ? UNKNOWN : anyOf(v.map(typeOfJson)) };
  if (typeof v === "object") return objectOf(Object.entries(v).map(([k, x]) => [k, typeOfJson(x)] as const));
  return typeof v === "string" ? STRING : typeof v === "number" ? NUMBER : BOOLEAN;
};

/** The schema of what `e` yields on a row of type `row` (`unknown` when it depends on data). */
export const typeOfExpr = (e: Expr, row: SchemaJson): SchemaJson => {
  switch (e.op) {
    case "field": {
      const r = readPath(row, e.path);
      return r.ok ? r.type : UNKNOWN;
    }
    case "lit":
      return typeOfJson(e.value);
    case "row":
      return row;
    case "struct":
      return objectOf(e.fields.map(([k, x]) => [k, typeOfExpr(x, row)] as const));
    case "array":
      return { type: "array", items: e.items.length === 0 ? UNKNOWN : anyOf(e.items.map((x) => typeOfExpr(x, row))) };
    case "call": {
      // The catalogue says what each function yields: a fixed schema, or one computed from its operands'.
      const result = specOf(e.fn).result;
      if (result === undefined) return UNKNOWN;
      return typeof result === "function"
        ? result(
            e.args.map((x) => typeOfExpr(x, row)),
            anyOf,
          )
        : result;
    }
  }
};

/** A field read that does not resolve: its path, and where and why it fails. */
export interface BadFieldRead {
  readonly path: readonly string[];
  readonly result: Extract<PathResult, { ok: false }>;
}

/** Every `field` read in `e` that does not exist on a row of type `row`. */
export const badFieldReads = (e: Expr, row: SchemaJson): BadFieldRead[] => {
  const out: BadFieldRead[] = [];
  const visit = (x: Expr): void => {
    switch (x.op) {
      case "field": {
        const result = readPath(row, x.path);
        if (!result.ok) out.push({ path: x.path, result });
        return;
      }
      case "struct":
        return x.fields.forEach(([, v]) => visit(v));
      case "array":
        return x.items.forEach(visit);
      case "call":
        return x.args.forEach(visit);
      default:
        return;
    }
  };
  visit(e);
  return out;
};

/** True when a value of `s` may be an object (so it can be an element). */
export const mayBeObject = (s: SchemaJson): boolean => fieldsOf(s).object;
