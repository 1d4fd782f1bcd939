/**
 * Per-record decoding against an event codec, with short readable reasons
 * for records that do not fit (they go to the dead-letter output, so a
 * person has to understand them at a glance).
 *
 * @module
 */
import * as t from "io-ts";
import { compileCheck } from "./check.ts";
import { toSchema } from "./to-schema.ts";
import type { SchemaJson } from "./json-schema.ts";

/** The outcome of decoding one record. */
export type DecodeResult = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly reason: string };

/** A function decoding one record. */
export type Decoder = (value: unknown) => DecodeResult;

const MAX_PROBLEMS = 3;

/**
 * A decoder for `codec`. The decoded value is the input itself, field for
 * field and in the same key order: io-ts keeps fields a `t.type` does not
 * declare (they pass through untouched); only `t.exact`/`t.strict` drop
 * undeclared fields, as the user asked for.
 *
 * Failure reasons list at most 3 problems, e.g.
 * `field "ts": expected number, got "abc"; missing field "userId"`.
 *
 * Speed: for codecs without `t.exact` the check is `codec.is`, compiled
 * from the schema (check.ts; no allocation); full validation runs only to
 * explain a failure.
 */
export const makeDecoder = (codec: t.Mixed): Decoder => {
  const plain = makePlainDecoder(codec);
  if (!namesPrototypeMember(codec)) return plain;
  // io-ts reads fields as `u[k]`: on a plain object a missing "constructor" or "toString" field finds
  // Object.prototype's function and fails ("expected string, got function Object()…"). It judges a
  // copy without a prototype instead, and the input (or the decoded value, made plain again) is kept.
  return (value) => {
    const r = plain(withoutPrototypes(value));
    if (!r.ok) return r;
    return { ok: true, value: r.value === undefined ? value : withPrototypes(r.value, value) };
  };
};

const makePlainDecoder = (codec: t.Mixed): Decoder => {
  const explain = (value: unknown): DecodeResult => {
    const result = codec.decode(value);
    if (result._tag === "Right") return { ok: true, value: keepOrder(value, result.right) };
    return { ok: false, reason: reasonOf(result.left) };
  };
  const schema = pureSchema(codec);
  if (schema === undefined) return explain;
  // A pure check never transforms a value; `is` can still refuse one that decodes (io-ts' `is` wants a
  // missing `t.unknown` field present). Then the input itself is the value: decode would only add `undefined`s.
  // The schema's compiled check is `codec.is`, without io-ts' closure per field (check.ts).
  const is = compileCheck(schema);
  return (value) => {
    if (is(value)) return { ok: true, value };
    const r = explain(value);
    return r.ok ? { ok: true, value } : r;
  };
};

/** Names io-ts would resolve on Object.prototype when a record lacks them. */
const PROTOTYPE_NAMES = new Set(Object.getOwnPropertyNames(Object.prototype));

/** True when the codec's schema declares a field named like an Object.prototype member (any depth). */
const namesPrototypeMember = (codec: t.Mixed): boolean => {
  let schema: SchemaJson;
  try {
    schema = toSchema(codec);
  } catch {
    return true; // unknown shape: judge copies, to be safe
  }
  const visit = (s: SchemaJson): boolean => {
    if ("anyOf" in s) return s.anyOf.some(visit);
    if ("allOf" in s) return s.allOf.some(visit);
    if (!("type" in s)) return false;
    switch (s.type) {
      case "object":
        return Object.keys(s.properties).some((k) => PROTOTYPE_NAMES.has(k)) || Object.values(s.properties).some(visit);
      case "array":
        return visit(s.items);
      case "record":
        return visit(s.values);
      default:
        return false;
    }
  };
  return visit(schema);
};

const isPlainRecord = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u);

/** A deep copy of a JSON value whose objects have no prototype (so only own fields are found). */
const withoutPrototypes = (u: unknown): unknown => {
  if (Array.isArray(u)) return u.map(withoutPrototypes);
  if (!isPlainRecord(u)) return u;
  const out = Object.create(null) as Record<string, unknown>;
  for (const k of Object.keys(u)) out[k] = withoutPrototypes(u[k]);
  return out;
};

/**
 * The decoded value with ordinary objects again: the original input where the
 * decoder returned the copy unchanged, a plain rebuild where it made a new one.
 */
const withPrototypes = (decoded: unknown, input: unknown): unknown => {
  if (Array.isArray(decoded)) {
    const from = Array.isArray(input) ? input : [];
    const out = decoded.map((d, i) => withPrototypes(d, from[i]));
    return Array.isArray(input) && out.length === input.length && out.every((x, i) => x === input[i]) ? input : out;
  }
  if (!isPlainRecord(decoded)) return decoded;
  const from = isPlainRecord(input) ? input : {};
  const keys = Object.keys(decoded);
  const entries = keys.map((k) => [k, withPrototypes(decoded[k], Object.hasOwn(from, k) ? from[k] : undefined)] as const);
  const same = isPlainRecord(input) && Object.keys(input).length === keys.length && entries.every(([k, v]) => Object.hasOwn(input, k) && input[k] === v);
  return same ? input : Object.fromEntries(entries);
};

/** The codec's schema when decoding never changes a value (so `is` decides alone), else `undefined`. */
const pureSchema = (codec: t.Mixed): SchemaJson | undefined => {
  let schema: SchemaJson;
  try {
    schema = toSchema(codec);
  } catch {
    return undefined; // custom codecs may transform values: always run decode
  }
  return hasExact(schema) ? undefined : schema;
};

const hasExact = (s: SchemaJson): boolean => {
  if ("anyOf" in s) return s.anyOf.some(hasExact);
  if ("allOf" in s) return s.allOf.some(hasExact);
  if (!("type" in s)) return false;
  switch (s.type) {
    case "object":
      return s.exact === true || Object.values(s.properties).some(hasExact);
    case "array":
      return hasExact(s.items);
    case "record":
      return hasExact(s.values);
    default:
      return false;
  }
};

/** The reason text for io-ts validation errors. */
export const reasonOf = (errors: t.Errors): string => {
  const branches = unionBranches(errors);
  const problems = [...new Set(errors.map((e) => problemOf(e, branches)))];
  const shown = problems.slice(0, MAX_PROBLEMS).join("; ");
  const more = problems.length - MAX_PROBLEMS;
  return more > 0 ? `${shown} (and ${more} more)` : shown;
};

/** For each union reached, which of its members reported errors. */
const unionBranches = (errors: t.Errors): Map<t.ContextEntry, Set<string>> => {
  const out = new Map<t.ContextEntry, Set<string>>();
  for (const e of errors) {
    e.context.forEach((entry, i) => {
      const next = e.context[i + 1];
      if (next === undefined || tagOf(entry.type) !== "UnionType") return;
      const seen = out.get(entry) ?? new Set<string>();
      seen.add(next.key);
      out.set(entry, seen);
    });
  }
  return out;
};

const problemOf = (error: t.ValidationError, branches: Map<t.ContextEntry, Set<string>>): string => {
  if (error.message !== undefined) return error.message;
  let context = error.context;
  let actual = error.value;
  // A union whose members all failed: say what the union wanted, not what each member did.
  // A tagged union (or one member) failing keeps the detailed path into that member.
  const u = context.findIndex((e, i) => tagOf(e.type) === "UnionType" && (i === context.length - 1 || branches.get(e)!.size > 1));
  if (u >= 0) {
    context = context.slice(0, u + 1);
    actual = context[u]!.actual;
  }
  const path = pathOf(context);
  if (actual === undefined && path !== "") return `missing field ${JSON.stringify(path)}`;
  const last = context[context.length - 1]!.type as t.Mixed;
  const tag = (last as { tag?: string }).tag;
  if (tag !== undefined && isRecord(actual)) {
    // A tagged union found no member for the tag's value.
    const values = (last as t.UnionType<t.Mixed[]>).types.flatMap((m) => literalsAt(m, tag));
    const at = path === "" ? tag : `${path}.${tag}`;
    if (!(tag in actual)) return `missing field ${JSON.stringify(at)}`;
    return `field ${JSON.stringify(at)}: expected one of ${values.map((v) => JSON.stringify(v)).join(", ")}, got ${show(actual[tag])}`;
  }
  const what = `expected ${describe(last)}, got ${show(actual)}`;
  return path === "" ? what : `field ${JSON.stringify(path)}: ${what}`;
};

/** The literal values a codec requires at property `key` (how io-ts tags unions). */
const literalsAt = (codec: t.Mixed, key: string): unknown[] => {
  const c = codec as unknown as { _tag?: string; props?: t.Props; type?: t.Mixed; types?: t.Mixed[]; value?: unknown };
  switch (c._tag) {
    case "InterfaceType":
    case "StrictType": {
      const p = c.props![key] as unknown as { _tag?: string; value?: unknown } | undefined;
      return p?._tag === "LiteralType" && Object.hasOwn(c.props!, key) ? [p.value] : [];
    }
    case "ExactType":
    case "ReadonlyType":
    case "RefinementType":
      return literalsAt(c.type!, key);
    case "IntersectionType":
    case "UnionType":
      return c.types!.flatMap((m) => literalsAt(m, key));
    default:
      return [];
  }
};

type Wrapped = { _tag?: string; type?: unknown };

/** The tag after looking through wrappers that add no context entry. */
const tagOf = (type: unknown): string | undefined => {
  let c = type as Wrapped;
  while (c._tag === "ReadonlyType" || c._tag === "ExactType" || (c._tag === "RefinementType" && c !== t.Int)) {
    c = c.type as Wrapped;
  }
  return c._tag;
};

/** `user.items[2].ts` from an io-ts context; member indexes of unions/intersections are skipped. */
const pathOf = (context: t.Context): string => {
  let path = "";
  for (let i = 1; i < context.length; i++) {
    const parent = tagOf(context[i - 1]!.type);
    const key = context[i]!.key;
    if (parent === "UnionType" || parent === "IntersectionType") continue;
    if (parent === "ArrayType" || parent === "ReadonlyArrayType" || parent === "AnyArrayType") path += `[${key}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(key)) path += path === "" ? key : `.${key}`;
    else path += `[${JSON.stringify(key)}]`;
  }
  return path;
};

/** A short name for what a codec accepts. */
const describe = (codec: t.Mixed): string => {
  if (codec === t.Int) return "integer";
  const c = codec as unknown as { _tag?: string; value?: unknown; keys?: object; types?: t.Mixed[]; type?: t.Mixed };
  switch (c._tag) {
    case "StringType":
      return "string";
    case "NumberType":
      return "number";
    case "BooleanType":
      return "boolean";
    case "NullType":
      return "null";
    case "LiteralType":
      return JSON.stringify(c.value);
    case "KeyofType": {
      const keys = Object.keys(c.keys!);
      const listed = keys
        .slice(0, 5)
        .map((k) => JSON.stringify(k))
        .join(", ");
      return `one of ${listed}${keys.length > 5 ? ", …" : ""}`;
    }
    case "UnionType":
      return [...new Set(c.types!.map(describe))].join(" or ");
    case "ReadonlyType":
      return describe(c.type!);
    case "InterfaceType":
    case "PartialType":
    case "StrictType":
    case "ExactType":
    case "IntersectionType":
    case "DictionaryType":
    case "AnyDictionaryType":
      return "object";
    case "ArrayType":
    case "ReadonlyArrayType":
    case "AnyArrayType":
      return "array";
    default:
      return codec.name;
  }
};

/** A short rendering of a bad value: strings and scalars literally, containers by kind. */
const show = (u: unknown): string => {
  if (u === undefined) return "nothing";
  if (Array.isArray(u)) return "an array";
  if (u !== null && typeof u === "object") return "an object";
  if (typeof u === "string") return JSON.stringify(u.length > 40 ? `${u.slice(0, 40)}…` : u);
  return String(u);
};

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u);

/**
 * `output` with keys in `input`'s order. io-ts builds new objects when an
 * intersection of `t.exact` members strips fields, listing the first
 * member's keys first; records keep the order they arrived in.
 */
const keepOrder = (input: unknown, output: unknown): unknown => {
  if (input === output) return output;
  if (Array.isArray(input) && Array.isArray(output)) return output.map((o, i) => keepOrder(input[i], o));
  if (!isRecord(input) || !isRecord(output)) return output;
  const keys = Object.keys(input).filter((k) => Object.hasOwn(output, k));
  // io-ts adds a missing `t.unknown` field as `undefined`: a field absent in the input stays absent.
  for (const k of Object.keys(output)) if (!Object.hasOwn(input, k) && output[k] !== undefined) keys.push(k);
  return Object.fromEntries(keys.map((k) => [k, keepOrder(input[k], output[k])]));
};
