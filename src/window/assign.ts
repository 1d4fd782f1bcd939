/**
 * Assigning elements to windows, window ids, and the `kind:…` text syntax
 * for window functions used by the CLI and pipeline parameters.
 *
 * @module
 */

import { DefinitionError } from "../core/errors.ts";
import { formatDuration, parseDuration } from "./duration.ts";
import { GLOBAL_WINDOW } from "./types.ts";
import type { Window, WindowFn } from "./types.ts";

/**
 * `a mod n` in `[0, n)` for any sign of `a` (JS `%` takes the sign of `a`).
 * `%` is exact on doubles, so this is exact too.
 */
const mod = (a: number, n: number): number => {
  const r = a % n;
  return r < 0 ? r + n : r === 0 ? 0 : r;
};

/**
 * The largest `s ≤ ts` with `s ≡ offset (mod step)`. Computed through an exact
 * remainder and rounded back to a multiple of `step`, rather than
 * `Math.floor((ts - offset) / step)`, whose division can round up to the next
 * integer for large operands.
 */
const alignDown = (ts: number, step: number, offset: number): number => {
  const x = ts - offset;
  const k = Math.round((x - mod(x, step)) / step);
  return k * step + offset;
};

/**
 * The windows an element with event time `ts` (ms) belongs to.
 *
 * - `fixed`: the one window `[s, s + size)` with `s = floor((ts - offset) / size)·size + offset`.
 * - `sliding`: every `[s, s + size)` with `s ≡ offset (mod period)` and `s ≤ ts < s + size`,
 *   ascending by start — `ceil(size / period)` windows, or one fewer when `period`
 *   does not divide `size` and `ts` falls in the remainder.
 * - `session`: the proto-window `[ts, ts + gap)`, to be merged by `mergeSessions`.
 * - `global`: `[GLOBAL_WINDOW]`.
 *
 * Windows are half-open, so an element exactly at a window's `end` belongs to
 * the next window. `fn` is assumed valid (see {@link validateWindowFn}).
 *
 * @throws RangeError when `ts` is not a finite number
 */
export const assignWindows = (fn: WindowFn, ts: number): Window[] => {
  if (fn.kind === "global") return [GLOBAL_WINDOW];
  if (!Number.isFinite(ts)) {
    throw new RangeError(`assignWindows: event time must be a finite number of ms, got ${ts}. Fix: give every element a timestamp, or use the global window`);
  }
  switch (fn.kind) {
    case "fixed": {
      const start = alignDown(ts, fn.size, fn.offset);
      return [{ start, end: start + fn.size }];
    }
    case "sliding": {
      // Guard here because a non-positive period would loop forever below.
      if (!(fn.period > 0 && fn.size > 0)) throw validateWindowFn(fn, "window")[0]!;
      const out: Window[] = [];
      // Walk down from the latest start ≤ ts while the window still reaches past ts.
      for (let s = alignDown(ts, fn.period, fn.offset); s + fn.size > ts; s -= fn.period) {
        out.push({ start: s, end: s + fn.size });
      }
      return out.reverse();
    }
    case "session":
      return [{ start: ts, end: ts + fn.gap }];
  }
};

/** A compact, stable string id for a window: `"<start>:<end>"`, or `"*"` for the global window. */
export const windowKey = (w: Window): string => (w.start === -Infinity && w.end === Infinity ? "*" : `${w.start}:${w.end}`);

const SPEC_FORMS = '"global", "fixed:10s", "fixed:10s+2s" (with offset), "sliding:30s/5s", "sliding:30s/5s+1s" or "session:10m"';

/**
 * Reads the text syntax for a window function:
 * `global` | `fixed:<size>[+<offset>]` | `sliding:<size>/<period>[+<offset>]` | `session:<gap>`,
 * where each part is a duration (`10s`, `1h30m`, …; see `parseDuration`).
 * Offsets default to 0. The result is validated.
 *
 * @param where  path named in errors (defaults to `"window"`)
 * @throws DefinitionError naming the first problem
 */
export const parseWindowSpec = (s: string, where?: string): WindowFn => {
  const path = where ?? "window";
  const text = typeof s === "string" ? s.trim() : "";
  const colon = text.indexOf(":");
  const kind = colon < 0 ? text : text.slice(0, colon);
  const body = colon < 0 ? undefined : text.slice(colon + 1);
  const bad = (problem: string): DefinitionError =>
    new DefinitionError(path, `${problem}; expected ${SPEC_FORMS}, got ${JSON.stringify(s)}`, `write the window as one of those forms`);

  let fn: WindowFn;
  switch (kind) {
    case "global":
      if (body !== undefined) throw bad(`"global" takes no parameters`);
      fn = { kind: "global" };
      break;
    case "session":
      if (body === undefined || body === "") throw bad(`"session" needs a gap`);
      fn = { kind: "session", gap: parseDuration(body, `${path}.gap`) };
      break;
    case "fixed": {
      if (body === undefined || body === "") throw bad(`"fixed" needs a size`);
      const [size, offset, extra] = body.split("+");
      if (extra !== undefined) throw bad("more than one offset");
      const fixedSize = parseDuration(size!, `${path}.size`);
      fn = { kind: "fixed", size: fixedSize, offset: normalizeOffset(offsetOf(offset, path), fixedSize) };
      break;
    }
    case "sliding": {
      if (body === undefined || body === "") throw bad(`"sliding" needs a size and a period`);
      const [range, offset, extra] = body.split("+");
      if (extra !== undefined) throw bad("more than one offset");
      const parts = range!.split("/");
      if (parts.length !== 2) throw bad(`"sliding" needs "<size>/<period>"`);
      const period = parseDuration(parts[1]!, `${path}.period`);
      fn = { kind: "sliding", size: parseDuration(parts[0]!, `${path}.size`), period, offset: normalizeOffset(offsetOf(offset, path), period) };
      break;
    }
    default:
      throw bad(kind === "" ? "empty window" : `unknown window kind ${JSON.stringify(kind)}`);
  }
  const errors = validateWindowFn(fn, path);
  if (errors.length > 0) throw errors[0]!;
  return fn;
};

const offsetOf = (text: string | undefined, path: string): number => (text === undefined ? 0 : parseDuration(text, `${path}.offset`));

/**
 * An offset in its normalised range, `[0, modulus)` — `size` for fixed
 * windows, `period` for sliding ones. Offsets that differ by a multiple of
 * the modulus give the same windows (Beam normalises them the same way), so
 * the DSL stores the normalised one and plans stay canonical.
 */
export const normalizeOffset = (offset: number, modulus: number): number => {
  if (!(modulus > 0) || !Number.isFinite(offset)) return offset;
  const r = offset % modulus;
  return r < 0 ? r + modulus : r === 0 ? 0 : r;
};

/** The text form of a window function; {@link parseWindowSpec} reads it back to an equal value. Zero offsets are left out. */
export const formatWindowSpec = (fn: WindowFn): string => {
  switch (fn.kind) {
    case "global":
      return "global";
    case "fixed":
      return `fixed:${formatDuration(fn.size)}${offsetText(fn.offset)}`;
    case "sliding":
      return `sliding:${formatDuration(fn.size)}/${formatDuration(fn.period)}${offsetText(fn.offset)}`;
    case "session":
      return `session:${formatDuration(fn.gap)}`;
  }
};

const offsetText = (offset: number): string => (offset === 0 ? "" : `+${formatDuration(offset)}`);

/**
 * Every problem with a window function, e.g. one read from a JSON plan.
 * Lengths must be whole numbers of milliseconds (durations are): `size > 0`,
 * `period > 0` (a period above the size leaves gaps between windows),
 * `gap > 0`; a fixed offset in `[0, size)`, a sliding offset in `[0, period)`
 * — the normalised form {@link normalizeOffset} gives.
 *
 * @param where  path of the window function, prefixed to each error's path
 */
export const validateWindowFn = (fn: WindowFn, where: string): DefinitionError[] => {
  const errors: DefinitionError[] = [];
  if (fn === null || typeof fn !== "object") {
    errors.push(
      new DefinitionError(
        where,
        `expected a window function object, got ${fn === null ? "null" : typeof fn}`,
        `write e.g. { "kind": "fixed", "size": 10000, "offset": 0 }`,
      ),
    );
    return errors;
  }
  const f = fn as Record<string, unknown>;
  const whole = (name: string, min: 0 | 1): boolean => {
    const v = f[name];
    if (typeof v === "number" && Number.isSafeInteger(v) && v >= min) return true;
    errors.push(
      new DefinitionError(
        `${where}.${name}`,
        `${name} must be a whole number of milliseconds ${min === 1 ? "> 0" : "≥ 0"}, got ${v === undefined ? "nothing" : (JSON.stringify(v) ?? String(v))}`,
        min === 1 ? `set ${name} to a positive duration such as 10000 (10s)` : `set ${name} to 0 or a positive duration`,
      ),
    );
    return false;
  };
  const offsetBelow = (bound: number, boundName: string): void => {
    if (whole("offset", 0) && (f.offset as number) >= bound) {
      errors.push(
        new DefinitionError(
          `${where}.offset`,
          `offset must be less than the ${boundName} (${formatDuration(bound)}), got ${formatDuration(f.offset as number)}`,
          `use offset mod ${boundName}, i.e. ${formatDuration((f.offset as number) % bound)}`,
        ),
      );
    }
  };
  switch (f.kind) {
    case "global":
      break;
    case "fixed":
      if (whole("size", 1)) offsetBelow(f.size as number, "size");
      else whole("offset", 0);
      break;
    case "sliding": {
      // A period larger than the size is allowed (hopping windows with gaps, as in Beam).
      whole("size", 1);
      const periodOk = whole("period", 1);
      if (periodOk) offsetBelow(f.period as number, "period");
      else whole("offset", 0);
      break;
    }
    case "session":
      whole("gap", 1);
      break;
    default:
      errors.push(
        new DefinitionError(
          `${where}.kind`,
          `unknown window kind ${JSON.stringify(f.kind) ?? String(f.kind)}`,
          `use "global", "fixed", "sliding" or "session"`,
        ),
      );
  }
  return errors;
};
