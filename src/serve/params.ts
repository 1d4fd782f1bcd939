/**
 * Request parameters: decoded by the sink's declared params codec (its
 * schema in the plan). Query-string values are text, so each is first read
 * as what the schema accepts for that parameter — the same rule CSV cells
 * follow (`src/io/csv-coerce.ts`): a JSON number, `true`/`false`, JSON for
 * text starting with `[` or `{` (`hide=["view"]`), else the text itself. A
 * parameter the sink does not declare is refused, so a typo is not silently
 * ignored.
 *
 * @module
 */
import { coerceCsvRow } from "../io/csv-coerce.ts";
import { paramNames } from "../plan/serve.ts";
import type { ServeSpec } from "../plan/serve.ts";
import { makeDecoder } from "../schema/decode.ts";
import { fromSchema } from "../schema/from-schema.ts";

/** Decoded parameters, or why not (the message names the parameter). */
export type ParamsResult = { readonly ok: true; readonly params: Readonly<Record<string, unknown>> } | { readonly ok: false; readonly message: string };

/** The decoders of one sink's parameters. */
export interface ParamsDecoder {
  /** From a query string's values (text, coerced by the schema). */
  fromQuery(query: Readonly<Record<string, string>>): ParamsResult;
  /** From a JSON object (a batchGet body's `params`). */
  fromJson(value: unknown): ParamsResult;
}

/** Builds the decoders for a sink's params (no serving declaration: no parameters at all). */
export const paramsDecoder = (spec: ServeSpec | undefined): ParamsDecoder => {
  const schema = spec?.params ?? { type: "object" as const, properties: {}, required: [] };
  const names = paramNames(schema) ?? [];
  const decode = makeDecoder(fromSchema(schema));
  const known = names.length ? `the parameters are ${names.join(", ")}` : "this sink takes no parameters";
  const check = (value: Record<string, unknown>): ParamsResult => {
    const unknown = Object.keys(value).find((k) => !names.includes(k));
    if (unknown !== undefined) return { ok: false, message: `unknown parameter "${unknown}" (${known})` };
    const r = decode(value);
    return r.ok
      ? { ok: true, params: r.value as Record<string, unknown> }
      : { ok: false, message: `bad parameter: ${r.reason.replace(/\bfield "/g, 'parameter "')}` };
  };
  return {
    fromQuery: (query) => check(coerceCsvRow(query, schema)),
    fromJson: (value) => {
      if (value === undefined) return check({});
      if (typeof value !== "object" || value === null || Array.isArray(value)) return { ok: false, message: `"params" must be an object (${known})` };
      return check(value as Record<string, unknown>);
    },
  };
};
