/**
 * Arrays and objects: member access and size.
 *
 * @module
 */
import { getMember, isObject } from "../runtime.ts";
import type { FunctionSpec } from "./spec.ts";
import { NUMBER } from "./types.ts";

/** `size` at run time: elements of an array, keys of an object. */
const size = (v: unknown): number | null => (Array.isArray(v) ? v.length : isObject(v) ? Object.keys(v).length : null);

/** The collection functions. */
export const collection = {
  get: {
    rule: "get(objectOrArray, keyOrIndex): member access with a computed key; missing → null",
    arity: [2, 2],
    args: ["any", "any"],
    nulls: "strict",
    js: (c) => c.guarded("true", `get(${c.args[0]!.code}, ${c.args[1]!.code})`),
    arquero: (c) => c.bind(`op.ls_get(${c.args[0]!.code}, ${c.args[1]!.code})`),
    sql: (c) => c.refuse("get: arrays and objects are not SQL columns in the Flink slice yet"),
    helpers: { js: { get: getMember }, arquero: { ls_get: getMember } },
  },
  size: {
    rule: "number of elements of an array or keys of an object",
    arity: [1, 1],
    args: ["any"],
    nulls: "strict",
    result: NUMBER,
    js: (c) => c.guarded("true", `size(${c.args[0]!.code})`),
    arquero: (c) => c.bind(`op.ls_size(${c.args[0]!.code})`),
    sql: (c) => c.refuse("size: arrays and objects are not SQL columns in the Flink slice yet"),
    helpers: { js: { size }, arquero: { ls_size: size } },
  },
} satisfies Record<string, FunctionSpec>;
