/**
 * The consistency report between two final views — as shadow migrations
 * compare a new pipeline with a legacy one (Chronon's consistency metrics,
 * Pinterest's feature-migration diffs): rows matched by key, then counts of
 * matching, missing, extra and mismatched keys, the mismatch rate of every
 * field, and for sequence-valued fields (arrays) the distribution of edit
 * distances between the two sides.
 *
 * `lockstep diff a.jsonl b.jsonl --key userId` prints it; exit 0 when the
 * views are identical, 1 when they differ.
 *
 * @module
 */
import { canonicalJson, compareStrings } from "../core/canonical.ts";
import { compareValues } from "../core/order.ts";
import { bagDiff } from "./compare.ts";
import { isObject } from "../core/fields.ts";

/** Options of {@link diffViews}. */
export interface DiffOptions {
  /**
   * Fields that identify a row. Without them, rows are matched by their
   * whole content (so only matching, missing and extra can be told apart).
   */
  readonly key?: readonly string[];
  /** How many example keys to keep per category (default 5). */
  readonly examples?: number;
}

/** Mismatch statistics of one field over the keys both sides have. */
export interface FieldStats {
  readonly field: string;
  /** Keys (with one row on each side) where the field was compared. */
  readonly compared: number;
  readonly mismatched: number;
  /** mismatched / compared (0 when nothing was compared). */
  readonly rate: number;
  /** Present when the field holds arrays on both sides of every compared key (a sequence field). */
  readonly editDistance?: EditDistanceStats;
}

/** Distribution of element-wise edit distances (Levenshtein over canonical JSON elements). */
export interface EditDistanceStats {
  readonly count: number;
  readonly mean: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  /** Counts per bucket: "0", "1", "2", "3-5", "6-10", ">10". */
  readonly histogram: Readonly<Record<string, number>>;
}

/** An example of a difference. */
export interface KeyExample {
  readonly key: unknown;
  readonly a: readonly unknown[];
  readonly b: readonly unknown[];
  /** For a mismatched key with one row on each side: what differs (see {@link changesOf}). */
  readonly changes?: readonly Change[];
}

/**
 * One difference between two values, at `path` (`events[17].ts`; "" is the
 * value itself). Either a value that differs — `a` or `b` absent when that
 * side lacks it — or, for arrays, their lengths.
 */
export type Change =
  | { readonly path: string; readonly a?: unknown; readonly b?: unknown }
  | { readonly path: string; readonly lengths: readonly [number, number] };

const joinPath = (path: string, field: string): string => (path === "" ? field : `${path}.${field}`);

/**
 * What differs between `a` and `b`: for objects, every field that differs
 * (recursively); for arrays, the first element that differs, with its index
 * (recursing into it), and the lengths when they differ; otherwise the two
 * values. Fields in `skip` are left out at the top level (the key fields).
 * Equal values (canonical JSON) have no changes.
 */
export const changesOf = (a: unknown, b: unknown, skip: readonly string[] = [], path = ""): Change[] => {
  if (canonicalJson(a ?? null) === canonicalJson(b ?? null) && (a === undefined) === (b === undefined)) return [];
  if (isObject(a) && isObject(b)) {
    const fields = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((f) => !(path === "" && skip.includes(f))).sort(compareStrings);
    return fields.flatMap((f) => changesOf(a[f], b[f], [], joinPath(path, f)));
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const lengths: Change[] = a.length === b.length ? [] : [{ path, lengths: [a.length, b.length] }];
    const n = Math.min(a.length, b.length);
    let i = 0;
    while (i < n && canonicalJson(a[i]) === canonicalJson(b[i])) i++;
    // Past the shorter array's end the first extra element is the difference.
    return [...lengths, ...changesOf(a[i], b[i], [], `${path}[${i}]`)];
  }
  return [{ path, ...(a === undefined ? {} : { a }), ...(b === undefined ? {} : { b }) }];
};

/** The consistency report. */
export interface ConsistencyReport {
  readonly key: readonly string[] | null;
  readonly rows: { readonly a: number; readonly b: number };
  /** Distinct keys on each side. */
  readonly keys: { readonly a: number; readonly b: number };
  /** Keys with the same rows on both sides. */
  readonly matching: number;
  /** Keys only in `a` (missing from `b`). */
  readonly missing: number;
  /** Keys only in `b`. */
  readonly extra: number;
  /** Keys on both sides with different rows. */
  readonly mismatched: number;
  /** Rows that lack a key field (matched by whole content instead). */
  readonly unkeyedRows: { readonly a: number; readonly b: number };
  /** Keys that occur more than once on a side (compared as bags of rows). */
  readonly duplicateKeys: { readonly a: number; readonly b: number };
  readonly fields: readonly FieldStats[];
  readonly examples: { readonly missing: readonly KeyExample[]; readonly extra: readonly KeyExample[]; readonly mismatched: readonly KeyExample[] };
  /** True when both views hold exactly the same rows. */
  readonly identical: boolean;
}

/** Levenshtein distance between two arrays, elements compared by canonical JSON. */
export const editDistance = (a: readonly unknown[], b: readonly unknown[]): number => {
  const x = a.map(canonicalJson);
  const y = b.map(canonicalJson);
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[y.length]!;
};

const BUCKETS: readonly [string, (d: number) => boolean][] = [
  ["0", (d) => d === 0],
  ["1", (d) => d === 1],
  ["2", (d) => d === 2],
  ["3-5", (d) => d >= 3 && d <= 5],
  ["6-10", (d) => d >= 6 && d <= 10],
  [">10", (d) => d > 10],
];

const quantile = (sorted: readonly number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;

const distanceStats = (ds: readonly number[]): EditDistanceStats => {
  const sorted = [...ds].sort((p, q) => p - q);
  const histogram = Object.fromEntries(BUCKETS.map(([name, test]) => [name, ds.filter(test).length]));
  return {
    count: ds.length,
    mean: ds.length ? ds.reduce((s, d) => s + d, 0) / ds.length : 0,
    p50: quantile(sorted, 0.5),
    p90: quantile(sorted, 0.9),
    p99: quantile(sorted, 0.99),
    max: sorted[sorted.length - 1] ?? 0,
    histogram,
  };
};

interface Group {
  key: unknown;
  rows: unknown[];
}

const groupBy = (rows: readonly unknown[], key: readonly string[] | null): { groups: Map<string, Group>; unkeyed: number } => {
  const groups = new Map<string, Group>();
  let unkeyed = 0;
  for (const row of rows) {
    const keyed = key !== null && isObject(row) && key.every((f) => f in row);
    if (key !== null && !keyed) unkeyed++;
    const k = keyed ? key.map((f) => (row as Record<string, unknown>)[f]) : row;
    const id = (keyed ? "k" : "r") + canonicalJson(k);
    const g = groups.get(id);
    if (g) g.rows.push(row);
    else groups.set(id, { key: keyed ? Object.fromEntries(key.map((f) => [f, (row as Record<string, unknown>)[f]])) : row, rows: [row] });
  }
  return { groups, unkeyed };
};

const bagKey = (rows: readonly unknown[]): string => rows.map(canonicalJson).sort(compareStrings).join("\n");

/** Compares two final views (`a` is the baseline, e.g. the legacy pipeline's). */
export const diffViews = (a: readonly unknown[], b: readonly unknown[], opts: DiffOptions = {}): ConsistencyReport => {
  const key = opts.key && opts.key.length > 0 ? opts.key : null;
  const keep = opts.examples ?? 5;
  const ga = groupBy(a, key);
  const gb = groupBy(b, key);
  let matching = 0;
  let missing = 0;
  let extra = 0;
  let mismatched = 0;
  const ex = { missing: [] as KeyExample[], extra: [] as KeyExample[], mismatched: [] as KeyExample[] };
  const fieldCmp = new Map<string, { compared: number; mismatched: number; arrays: boolean; distances: number[] }>();
  for (const [id, g] of ga.groups) {
    const o = gb.groups.get(id);
    if (!o) {
      missing++;
      ex.missing.push({ key: g.key, a: g.rows, b: [] });
      continue;
    }
    const same = bagKey(g.rows) === bagKey(o.rows);
    if (same) matching++;
    else {
      mismatched++;
      const single = g.rows.length === 1 && o.rows.length === 1;
      ex.mismatched.push({ key: g.key, a: g.rows, b: o.rows, ...(single ? { changes: changesOf(g.rows[0], o.rows[0], key ?? []) } : {}) });
    }
    // Field statistics where each side has one row for the key.
    if (g.rows.length === 1 && o.rows.length === 1 && isObject(g.rows[0]) && isObject(o.rows[0])) {
      const ra = g.rows[0] as Record<string, unknown>;
      const rb = o.rows[0] as Record<string, unknown>;
      for (const f of new Set([...Object.keys(ra), ...Object.keys(rb)])) {
        if (key?.includes(f)) continue;
        const s = fieldCmp.get(f) ?? { compared: 0, mismatched: 0, arrays: true, distances: [] };
        fieldCmp.set(f, s);
        s.compared++;
        const va = ra[f] ?? null;
        const vb = rb[f] ?? null;
        if (canonicalJson(va) !== canonicalJson(vb)) s.mismatched++;
        if (Array.isArray(va) && Array.isArray(vb)) s.distances.push(editDistance(va, vb));
        else s.arrays = false;
      }
    }
  }
  for (const [id, g] of gb.groups) {
    if (!ga.groups.has(id)) {
      extra++;
      ex.extra.push({ key: g.key, a: [], b: g.rows });
    }
  }
  const byKey = (p: KeyExample, q: KeyExample) => compareValues(p.key, q.key);
  const fields: FieldStats[] = [...fieldCmp.entries()]
    .sort(([p], [q]) => compareStrings(p, q))
    .map(([field, s]) => ({
      field,
      compared: s.compared,
      mismatched: s.mismatched,
      rate: s.compared ? s.mismatched / s.compared : 0,
      ...(s.arrays && s.distances.length > 0 ? { editDistance: distanceStats(s.distances) } : {}),
    }));
  const dupes = (m: Map<string, Group>) => [...m.values()].filter((g) => g.rows.length > 1 && key !== null).length;
  return {
    key,
    rows: { a: a.length, b: b.length },
    keys: { a: ga.groups.size, b: gb.groups.size },
    matching,
    missing,
    extra,
    mismatched,
    unkeyedRows: { a: ga.unkeyed, b: gb.unkeyed },
    duplicateKeys: { a: dupes(ga.groups), b: dupes(gb.groups) },
    fields,
    examples: {
      missing: ex.missing.sort(byKey).slice(0, keep),
      extra: ex.extra.sort(byKey).slice(0, keep),
      mismatched: ex.mismatched.sort(byKey).slice(0, keep),
    },
    identical: missing === 0 && extra === 0 && mismatched === 0,
  };
};

/** Differences listed per key before "… and N more". */
const MAX_CHANGES = 10;
/** Characters of a value shown before it is cut with "…". */
const BRIEF = 100;

/** A value as canonical JSON, cut to {@link BRIEF} characters. */
const brief = (v: unknown): string => {
  const text = canonicalJson(v);
  return text.length <= BRIEF ? text : `${text.slice(0, BRIEF - 1)}…`;
};

/** One change as a line: `path: a → b`, `(absent)` for a missing side, or an array's lengths. */
export const formatChange = (c: Change): string => {
  const where = c.path === "" ? "row" : c.path;
  if ("lengths" in c) return `${where}: ${c.lengths[0]} → ${c.lengths[1]} elements`;
  const side = (present: boolean, v: unknown) => (present ? brief(v) : "(absent)");
  return `${where}: ${side("a" in c, c.a)} → ${side("b" in c, c.b)}`;
};

const pct = (n: number, d: number): string => (d === 0 ? "—" : `${((100 * n) / d).toFixed(n === d || n === 0 ? 0 : 2)}%`);

/** The report as text; `names` label the two sides (e.g. the file names). */
export const formatConsistency = (r: ConsistencyReport, names: { a: string; b: string } = { a: "a", b: "b" }): string => {
  const j = canonicalJson;
  const union = r.matching + r.missing + r.extra + r.mismatched;
  const lines = [
    `${r.identical ? "IDENTICAL" : "DIFFERENT"}: ${names.a} (${r.rows.a} rows) vs ${names.b} (${r.rows.b} rows), ${r.key ? `key ${r.key.join(", ")}` : "rows matched by whole content (no --key)"}`,
    `  keys:        ${union} total, ${r.keys.a} in ${names.a}, ${r.keys.b} in ${names.b}`,
    `  matching:    ${r.matching} (${pct(r.matching, union)})`,
    `  missing:     ${r.missing} (only in ${names.a})`,
    `  extra:       ${r.extra} (only in ${names.b})`,
    `  mismatched:  ${r.mismatched}${r.key ? "" : " (give --key to tell mismatched rows from missing + extra ones)"}`,
  ];
  if (r.unkeyedRows.a + r.unkeyedRows.b > 0)
    lines.push(`  rows without every key field (matched by content): ${r.unkeyedRows.a} in ${names.a}, ${r.unkeyedRows.b} in ${names.b}`);
  if (r.duplicateKeys.a + r.duplicateKeys.b > 0)
    lines.push(`  keys with several rows (compared as bags, not per field): ${r.duplicateKeys.a} in ${names.a}, ${r.duplicateKeys.b} in ${names.b}`);
  if (r.fields.length > 0) {
    lines.push("", "  field mismatch rates (over keys with one row on each side):");
    const w = Math.max(...r.fields.map((f) => f.field.length));
    for (const f of r.fields)
      lines.push(
        `    ${f.field.padEnd(w)}  ${String(f.mismatched).padStart(6)} / ${String(f.compared).padEnd(6)} ${pct(f.mismatched, f.compared).padStart(7)}`,
      );
    const seqs = r.fields.filter((f) => f.editDistance);
    if (seqs.length > 0) {
      lines.push("", "  sequence fields, edit distance (element insertions, deletions, substitutions):");
      for (const f of seqs) {
        const d = f.editDistance!;
        lines.push(`    ${f.field}: mean ${d.mean.toFixed(2)}, p50 ${d.p50}, p90 ${d.p90}, p99 ${d.p99}, max ${d.max}`);
        lines.push(
          `      ${Object.entries(d.histogram)
            .map(([b, n]) => `${b}: ${n}`)
            .join("  ")}`,
        );
      }
    }
  }
  const example = (title: string, xs: readonly KeyExample[], side: "a" | "b" | "both") => {
    if (xs.length === 0) return;
    lines.push("", `  ${title}:`);
    for (const x of xs) {
      if (!r.key) {
        lines.push(`    ${brief(x.key)}${x.a.length + x.b.length <= 1 ? "" : ` ×${x.a.length + x.b.length}`}`);
        continue;
      }
      lines.push(`    ${j(x.key)}`);
      if (x.changes) for (const c of x.changes.slice(0, MAX_CHANGES)) lines.push(`      ${formatChange(c)}`);
      if (x.changes && x.changes.length > MAX_CHANGES) lines.push(`      … and ${x.changes.length - MAX_CHANGES} more differences (see --json)`);
      if (x.changes) continue;
      // Several rows for the key on a side (compared as bags), or a key on one side only: the rows, shortened.
      const bags = side === "both" ? bagDiff(x.a, x.b) : { missing: x.a, extra: x.b };
      const [onlyA, onlyB] = [bags.missing, bags.extra];
      if (side !== "b") for (const row of onlyA) lines.push(`      ${side === "both" ? "only in " : ""}${names.a}: ${brief(row)}`);
      if (side !== "a") for (const row of onlyB) lines.push(`      ${side === "both" ? "only in " : ""}${names.b}: ${brief(row)}`);
    }
  };
  if (r.key) {
    example(`mismatched keys (first ones; ${names.a} → ${names.b})`, r.examples.mismatched, "both");
    example(`missing from ${names.b} (first ones)`, r.examples.missing, "a");
    example(`extra in ${names.b} (first ones)`, r.examples.extra, "b");
  } else {
    example(`rows only in ${names.a} (first ones)`, r.examples.missing, "a");
    example(`rows only in ${names.b} (first ones)`, r.examples.extra, "b");
  }
  return lines.join("\n") + "\n";
};
