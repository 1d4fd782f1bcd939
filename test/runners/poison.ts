/**
 * A poison input for examples/window-count.ts (issue 13, defects 3, 8, 9):
 * the bytes of a JSONL file and, written by hand, what every runner must make
 * of each line — accepted, or a dead letter with this reason.
 *
 * @module
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { canonicalJson } from "../../src/core/canonical.ts";
import type { DeadLetter } from "../../src/engine/operator.ts";
import type { RunResult } from "../../src/run/result.ts";

const deep = "[".repeat(5000) + "]".repeat(5000);
const b = (s: string) => Buffer.from(s, "utf8");

/** The lines, as bytes, each with what it must become. */
export const POISON: readonly { bytes: Buffer; reason?: RegExp; raw?: string; rawBase64?: string }[] = [
  { bytes: b('{"key":"a","ts":1000}') },
  { bytes: b(`{"key":"deep","x":${deep}}`), reason: /^invalid JSON: nested deeper than 256 levels/, raw: `{"key":"deep","x":${deep}}` },
  { bytes: b('{"key":"inf","ts":1e400}'), reason: /^invalid JSON: field "ts" is not a finite number/, raw: '{"key":"inf","ts":1e400}' },
  { bytes: b(""), reason: /^empty record/, raw: "" },
  { bytes: b(" \t "), reason: /^empty record/, raw: " \t " },
  // Two keys a lossy decoder would make one ("b\uFFFD").
  {
    bytes: Buffer.concat([b('{"key":"b'), Buffer.from([0xff]), b('","ts":2000}')]),
    reason: /^invalid UTF-8 \(byte 0xFF at byte 10\)/,
    rawBase64: Buffer.concat([b('{"key":"b'), Buffer.from([0xff]), b('","ts":2000}')]).toString("base64"),
  },
  {
    bytes: Buffer.concat([b('{"key":"b'), Buffer.from([0xfe]), b('","ts":2000}')]),
    reason: /^invalid UTF-8 \(byte 0xFE at byte 10\)/,
    rawBase64: Buffer.concat([b('{"key":"b'), Buffer.from([0xfe]), b('","ts":2000}')]).toString("base64"),
  },
  { bytes: b('{"key":"a","ts":3000}\r') },
  { bytes: b('{"key":"b","ts":4000}') },
  { bytes: b('{"key":"c","ts":"x"}'), reason: /^field "ts": expected number, got "x"$/ },
  { bytes: b("[1,2]"), reason: /^invalid JSON: expected an object on each line, got an array$/, raw: "[1,2]" },
  { bytes: b('{"key":"c","ts":5000}') }, // the last line, without a newline
];

/** The final view of `counts` for POISON with the default fixed 10 s windows. */
export const POISON_COUNTS = [
  { count: 2, key: "a", windowEnd: 10000, windowStart: 0 },
  { count: 1, key: "b", windowEnd: 10000, windowStart: 0 },
  { count: 1, key: "c", windowEnd: 10000, windowStart: 0 },
];

/** Writes POISON to a fresh temporary file and returns its path. */
export const poisonFile = (): string => {
  const dir = mkdtempSync(join(tmpdir(), "lockstep-poison-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, "poison.jsonl");
  const lines = POISON.map((l) => l.bytes);
  writeFileSync(path, Buffer.concat(lines.flatMap((l, i) => (i < lines.length - 1 ? [l, b("\n")] : [l]))));
  return path;
};

/** Dead letters as a sorted list of canonical JSON texts, so runners can be compared as sets. */
export const deadLetterSet = (d: readonly DeadLetter[]): string[] => d.map((x) => canonicalJson(x)).sort();

/** Checks a run of window-count over POISON against the table above; throws a readable error on a difference. */
export const checkPoisonRun = (r: RunResult, expect: (v: unknown) => { toEqual(x: unknown): void; toMatch(x: RegExp): void; toBe(x: unknown): void }): void => {
  const m = r.metrics["events"]!;
  expect({ read: m.in, accepted: m.out, dead: m.deadLetters }).toEqual({
    read: POISON.length,
    accepted: POISON.filter((l) => !l.reason).length,
    dead: POISON.filter((l) => l.reason).length,
  });
  expect(r.outputs["counts"]).toEqual(POISON_COUNTS);
  const byOffset = new Map(r.deadLetters.map((d) => [d.offset, d]));
  POISON.forEach((l, i) => {
    const d = byOffset.get(i + 1);
    if (!l.reason) return expect(d).toBe(undefined);
    expect(d?.reason ?? "(no dead letter)").toMatch(l.reason);
    expect(d!.stage).toBe("events");
    if (l.raw !== undefined) expect(d!.raw).toBe(l.raw);
    if (l.rawBase64 !== undefined) expect(d!.rawBase64).toBe(l.rawBase64);
  });
  expect(r.deadLetters.length).toBe(POISON.filter((l) => l.reason).length);
};
