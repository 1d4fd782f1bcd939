/**
 * Comparing two runs the way docs/semantics.md §14 judges parity: the final
 * view of every sink (§11), and the dead letters and late elements as
 * multisets, all by canonical JSON. A difference is described per sink by
 * output key — missing, extra or different — so a report reads like a
 * shadow-migration diff rather than two walls of JSON.
 *
 * @module
 */
import { canonicalJson, compareStrings } from "../core/canonical.ts";
import { compareValues } from "../core/order.ts";
import type { RunResult } from "../run/result.ts";
import { isObject } from "../core/fields.ts";

/** What one runner did with one history: a result, or the error the run failed with. */
export type Outcome =
  | { readonly ok: true; readonly result: RunResult; readonly ms: number }
  | { readonly ok: false; readonly error: string; readonly ms: number };

/** Rows of one output key. */
export interface KeyedRows {
  /** The output key's values (null for rows without an output key: the row itself is the key). */
  readonly key: unknown;
  readonly rows: readonly unknown[];
}

/** How one sink's final views differ. */
export interface SinkDiff {
  readonly sink: string;
  /** Output key fields used to group rows (null: whole rows). */
  readonly keyFields: readonly string[] | null;
  /** Output keys the reference has and the other runner lacks. */
  readonly missing: readonly KeyedRows[];
  /** Output keys only the other runner has. */
  readonly extra: readonly KeyedRows[];
  /** Output keys both have, with different rows. */
  readonly different: readonly { readonly key: unknown; readonly expected: readonly unknown[]; readonly actual: readonly unknown[] }[];
}

/** How two multisets differ. */
export interface BagDiff {
  /** In the reference only (with multiplicity). */
  readonly missing: readonly unknown[];
  /** In the other run only. */
  readonly extra: readonly unknown[];
}

/** Everything that differs between the reference runner and another one. */
export interface RunnerDiff {
  readonly reference: string;
  readonly runner: string;
  /** When exactly one of the two runs failed (or both failed differently: not compared). */
  readonly failure?: { readonly reference?: string; readonly runner?: string };
  readonly sinks: readonly SinkDiff[];
  readonly deadLetters: BagDiff;
  readonly late: BagDiff;
}

const EMPTY: BagDiff = { missing: [], extra: [] };

/** True when a diff holds no difference. */
export const isSame = (d: RunnerDiff): boolean =>
  !d.failure &&
  d.sinks.every((s) => s.missing.length + s.extra.length + s.different.length === 0) &&
  d.deadLetters.missing.length + d.deadLetters.extra.length + d.late.missing.length + d.late.extra.length === 0;

/** Multiset difference by canonical JSON. */
export const bagDiff = (expected: readonly unknown[], actual: readonly unknown[]): BagDiff => {
  const count = new Map<string, { n: number; v: unknown }>();
  for (const v of expected) {
    const k = canonicalJson(v);
    const c = count.get(k);
    if (c) c.n++;
    else count.set(k, { n: 1, v });
  }
  const extra: unknown[] = [];
  for (const v of actual) {
    const k = canonicalJson(v);
    const c = count.get(k);
    if (c && c.n > 0) c.n--;
    else extra.push(v);
  }
  const missing: unknown[] = [];
  for (const c of count.values()) for (let i = 0; i < c.n; i++) missing.push(c.v);
  const sort = (xs: unknown[]) =>
    xs
      .map((x) => [canonicalJson(x), x] as const)
      .sort((a, b) => compareStrings(a[0], b[0]))
      .map(([, x]) => x);
  return { missing: sort(missing), extra: sort(extra) };
};

/**
 * Groups rows by output key. Rows lacking one of the key fields (a later
 * stage renamed it) are keyed by their whole canonical JSON.
 */
export const groupRows = (rows: readonly unknown[], keyFields: readonly string[] | null): Map<string, KeyedRows> => {
  const groups = new Map<string, { key: unknown; rows: unknown[] }>();
  for (const row of rows) {
    const keyed = keyFields !== null && keyFields.length > 0 && isObject(row) && keyFields.every((f) => f in row);
    const key = keyed ? Object.fromEntries(keyFields.map((f) => [f, (row as Record<string, unknown>)[f]])) : row;
    const k = (keyed ? "k" : "r") + canonicalJson(key);
    const g = groups.get(k);
    if (g) g.rows.push(row);
    else groups.set(k, { key, rows: [row] });
  }
  return groups;
};

const byKey = (a: KeyedRows, b: KeyedRows) => compareValues(a.key, b.key);

/** Compares one sink's final views. */
export const sinkDiff = (sink: string, keyFields: readonly string[] | null, expected: readonly unknown[], actual: readonly unknown[]): SinkDiff => {
  const a = groupRows(expected, keyFields);
  const b = groupRows(actual, keyFields);
  const missing: KeyedRows[] = [];
  const extra: KeyedRows[] = [];
  const different: { key: unknown; expected: readonly unknown[]; actual: readonly unknown[] }[] = [];
  for (const [k, g] of a) {
    const o = b.get(k);
    if (!o) missing.push(g);
    else {
      const d = bagDiff(g.rows, o.rows);
      if (d.missing.length + d.extra.length > 0) different.push({ key: g.key, expected: g.rows, actual: o.rows });
    }
  }
  for (const [k, g] of b) if (!a.has(k)) extra.push(g);
  missing.sort(byKey);
  extra.sort(byKey);
  different.sort((x, y) => compareValues(x.key, y.key));
  return { sink, keyFields, missing, extra, different };
};

/**
 * Compares a run with the reference run. Both failing counts as agreeing
 * (the same definition fails on both; the messages may be worded
 * differently); one failing is a difference.
 */
export const compareOutcomes = (
  outputKeys: Readonly<Record<string, readonly string[] | null>>,
  reference: { name: string; outcome: Outcome },
  other: { name: string; outcome: Outcome },
): RunnerDiff => {
  const base = { reference: reference.name, runner: other.name };
  const r = reference.outcome;
  const o = other.outcome;
  if (!r.ok || !o.ok) {
    if (!r.ok && !o.ok) return { ...base, sinks: [], deadLetters: EMPTY, late: EMPTY };
    return { ...base, failure: { ...(r.ok ? {} : { reference: r.error }), ...(o.ok ? {} : { runner: o.error }) }, sinks: [], deadLetters: EMPTY, late: EMPTY };
  }
  const sinks = [...new Set([...Object.keys(r.result.outputs), ...Object.keys(o.result.outputs)])].sort(compareStrings);
  return {
    ...base,
    sinks: sinks.map((s) => sinkDiff(s, outputKeys[s] ?? null, r.result.outputs[s] ?? [], o.result.outputs[s] ?? [])),
    deadLetters: bagDiff(r.result.deadLetters, o.result.deadLetters),
    late: bagDiff(r.result.late, o.result.late),
  };
};

/** Only the sinks that differ. */
export const changedSinks = (d: RunnerDiff): SinkDiff[] => d.sinks.filter((s) => s.missing.length + s.extra.length + s.different.length > 0);
