/**
 * Option parsers shared by the CLI's commands. This module, main.ts and the
 * command modules (commands/) load
 * nothing heavy: a command's own modules are imported when it runs.
 *
 * @module
 */
import { isRate } from "../run/dead-letters.ts";
import { UsageError } from "./usage-error.ts";

/**
 * Parses a repeatable `NAME=VALUE` option into a record; `example` is shown
 * when a value is malformed. Giving the same name twice is refused: the
 * second would silently win.
 */
export const collectPairs =
  (flag: string, example: string) =>
  (value: string, prev: Record<string, string> = {}): Record<string, string> => {
    const i = value.indexOf("=");
    if (i <= 0) throw new UsageError(`${flag} ${value}: expected NAME=VALUE. Fix: e.g. ${flag} ${example}`);
    const name = value.slice(0, i);
    if (Object.hasOwn(prev, name)) throw new UsageError(`${flag} ${name}=… is given twice. Fix: give each name once`);
    return { ...prev, [name]: value.slice(i + 1) };
  };

/**
 * `--param key=value`, repeatable. Repeatable, not variadic (`<x...>`): a
 * variadic option would swallow the pipeline argument when it comes after the
 * option (`run --param a=x p.ts`); so are `--in` and `--out`.
 */
export const paramOption = (): ReturnType<typeof collectPairs> => collectPairs("--param", "window=fixed:10s");

/** Parses a whole number option of at least `min`; the fix shows `flag` with an example. */
export const wholeNumber =
  (flag: string, min: number, example = Math.max(min, 100)) =>
  (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new UsageError(`${flag} ${v}: expected a whole number ≥ ${min}. Fix: e.g. ${flag} ${example}`);
    return n;
  };

/** Ends a command with an exit code and no further message (the command printed its own). */
export class CommandExit extends Error {
  override readonly name = "CommandExit";
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

/** Where a command's messages go (tests capture them). */
export type Io = { out: (s: string) => void; err: (s: string) => void };

/** Parses `--max-dead-letter-rate`: a number from 0 to 1. */
export const parseDeadLetterRate = (v: string): number => {
  const r = v.trim() === "" ? NaN : Number(v);
  if (!isRate(r))
    throw new UsageError(
      `--max-dead-letter-rate ${v}: not a number from 0 to 1. Fix: e.g. --max-dead-letter-rate 0.01 (at most 1% of a source's records may be dead letters)`,
    );
  return r;
};
