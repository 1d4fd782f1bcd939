/**
 * The four queries of the arquero benchmark (issue 11 §3), each written three
 * ways over the same rows: as a lockstep pipeline (run by the
 * ArqueroBatchRunner), as hand-written arquero verbs, and as DuckDB SQL
 * (bench/arquero/duckdb.ts). All three must give the same final view; the
 * check is {@link digest}, outside the timed part.
 */
import * as aq from "arquero";
import * as t from "io-ts";
import * as L from "../../dsl/index.ts";
import { runArquero } from "../../runners/arquero/index.ts";
import { canonicalJson } from "../../src/core/canonical.ts";

/** An input event. `ts` is event time (ms); `amount` has whole cents. */
export interface Event {
  readonly eventId: string;
  readonly userId: string;
  readonly itemId: string;
  readonly ts: number;
  readonly amount: number;
}
/** A version of an item (the dimension table of the point-in-time lookup). */
export interface Item {
  readonly itemId: string;
  readonly category: string;
  readonly updatedAt: number;
}
/** The benchmark's data: events and the versioned item table. */
export interface Data {
  readonly events: readonly Event[];
  readonly items: readonly Item[];
}

/** Window length of the windowed count. */
export const WINDOW_MS = 3_600_000;
/** Latest entries kept per user by the sequence query. */
export const LATEST = 50;
const BASE = 1_700_000_000_000;

/**
 * Deterministic rows: `n` events over `users` users and 10,000 items, event
 * times rising 10 ms per event with up to 5 s of disorder; 1–8 versions per
 * item spread over the events' time range (so lookups before an item's first
 * version find nothing), and every 10th item with two versions at the same
 * `updatedAt`, so the lookup's tie rule is exercised.
 */
export const generate = (n: number, users = Math.max(1, Math.min(100_000, Math.floor(n / 50)))): Data => {
  // mulberry32: the earlier LCG (mod 2^31, drawn four times per event) gave only 6,056 distinct users of 100,000.
  let seed = 7;
  const rand = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  const nItems = Math.max(1, Math.min(10_000, Math.floor(n / 10)));
  const events = Array.from({ length: n }, (_, i) => ({
    eventId: `e${i}`,
    userId: `u${Math.floor(rand() * users)}`,
    itemId: `i${Math.floor(rand() * nItems)}`,
    ts: BASE + i * 10 - Math.floor(rand() * 5000),
    amount: Math.floor(rand() * 10_000) / 100,
  }));
  // Versions from a tenth of the events' span before the first event to the last, on a grid of
  // 1,000 steps over the events' span (so chance ties besides the planted ones).
  const span = n * 10;
  const step = Math.max(1, Math.floor(span / 1000));
  const items: Item[] = [];
  for (let k = 0; k < nItems; k++) {
    for (let v = 0; v <= k % 8; v++) {
      const updatedAt = BASE - span / 10 + Math.floor((rand() * span * 1.1) / step) * step;
      items.push({ itemId: `i${k}`, category: `c${Math.floor(rand() * 50)}`, updatedAt });
      if (v === 0 && k % 10 === 0) items.push({ itemId: `i${k}`, category: `c${Math.floor(rand() * 50)}`, updatedAt });
    }
  }
  return { events, items };
};

const Ev = t.type({ eventId: t.string, userId: t.string, itemId: t.string, ts: t.number, amount: t.number });
const ItemC = t.type({ itemId: t.string, category: t.string, updatedAt: t.number });

const totals = L.pipeline("bench-totals", { version: 1 }, ({ source, sink }) =>
  L.pipe(source("events", Ev, { key: "userId" }), L.keyBy("userId"), L.combine({ events: L.count(), amount: L.sum("amount") }), sink("out")),
);
// Lateness 10 s: an event is at most 5 s older than any event before it, so none is late and the
// plain group-by of the other two columns is the same final view (the runner still computes the clock).
const windows = L.pipeline("bench-windows", { version: 1 }, ({ source, sink }) =>
  L.pipe(
    source("events", Ev, { key: "userId" }),
    L.withTimestamps((e) => e.field("ts")),
    L.keyBy("userId"),
    L.window(L.fixed(WINDOW_MS), { allowedLateness: "10s" }),
    L.combine({ events: L.count() }),
    sink("out"),
  ),
);
const sequences = L.pipeline("bench-sequences", { version: 1 }, ({ source, sink }) =>
  L.pipe(
    source("events", Ev, { key: "userId" }),
    L.withTimestamps((e) => e.field("ts")),
    L.keyBy("userId"),
    L.sequence({ latest: LATEST, id: "eventId", fields: ["itemId", "ts"], as: "events" }),
    sink("out"),
  ),
);
const enriched = L.pipeline("bench-lookup", { version: 1 }, ({ source, table, sink }) =>
  L.pipe(
    source("events", Ev, { key: "userId" }),
    L.withTimestamps((e) => e.field("ts")),
    L.lookup(table("items", ItemC, { key: "itemId", validFrom: "updatedAt" }), { on: "itemId", take: { category: "category" } }),
    sink("out"),
  ),
);

/** A query's three forms and how its rows are normalised before comparing. */
export interface Query {
  readonly name: string;
  /** The lockstep pipeline on the ArqueroBatchRunner. */
  readonly runner: (d: Data) => Promise<readonly object[]>;
  /** The same result with arquero verbs. */
  readonly hand: (d: Data) => readonly object[];
  /** The same result in DuckDB SQL over tables `ev` and `items`. */
  readonly sql: string;
  /** Applied to each row before {@link digest}: sums compared to the cent (see `totals`). */
  readonly normalise?: (row: Record<string, unknown>) => unknown;
}

const viaRunner =
  (p: Parameters<typeof runArquero>[0], withItems = false) =>
  async (d: Data) =>
    (await runArquero(p, { inputs: withItems ? { events: d.events, items: d.items } : { events: d.events } })).outputs.out as object[];

/** The four queries, in the order the table reports them. */
export const QUERIES: readonly Query[] = [
  {
    name: "group-by: count + sum per user",
    runner: viaRunner(totals),
    hand: (d) =>
      aq
        .from(d.events)
        .groupby("userId")
        .rollup({ events: aq.op.count(), amount: aq.op.sum("amount") })
        .objects(),
    sql: "SELECT userId, count(*)::INTEGER AS events, sum(amount) AS amount FROM ev GROUP BY userId",
    // The runner's sums are exactly rounded; arquero and DuckDB add in their own order. Every amount
    // is whole cents, so every exact sum is too: to the cent, all three must agree exactly.
    normalise: (r) => ({ ...r, amount: (r.amount as number).toFixed(2) }),
  },
  {
    name: "windowed count: per user per fixed 1 h window",
    runner: viaRunner(windows),
    hand: (d) =>
      aq
        .from(d.events)
        .params({ w: WINDOW_MS })
        .derive({ windowStart: (r: Event, $: { w: number }) => aq.op.floor(r.ts / $.w) * $.w })
        .groupby("userId", "windowStart")
        .rollup({ events: aq.op.count() })
        .derive({ windowEnd: (r: { windowStart: number }, $: { w: number }) => r.windowStart + $.w })
        .objects(),
    sql: `SELECT userId, floor(ts / ${WINDOW_MS}) * ${WINDOW_MS} AS windowStart, windowStart + ${WINDOW_MS} AS windowEnd, count(*)::INTEGER AS events
          FROM ev GROUP BY ALL`,
  },
  {
    name: `sequence assembly: ${LATEST} latest per user`,
    runner: viaRunner(sequences),
    hand: (d) =>
      aq
        .from(d.events)
        .groupby("userId")
        .orderby(aq.desc("ts"), "eventId")
        .derive({ rn: aq.op.row_number() })
        .params({ latest: LATEST })
        .filter((r: { rn: number }, $: { latest: number }) => r.rn <= $.latest)
        .derive({ entry: aq.escape((r: Event) => ({ itemId: r.itemId, ts: r.ts })) })
        .rollup({ events: aq.op.array_agg("entry") })
        .objects(),
    sql: `SELECT userId, list({'itemId': itemId, 'ts': ts} ORDER BY ts DESC, eventId) AS events
          FROM (FROM ev QUALIFY row_number() OVER (PARTITION BY userId ORDER BY ts DESC, eventId) <= ${LATEST}) GROUP BY userId`,
  },
  {
    name: "point-in-time lookup: item category as of each event",
    runner: viaRunner(enriched, true),
    // Arquero has no as-of join: versions and events in one table, ordered per item by time with
    // versions before events at the same time (validFrom ≤ t), and fill_down carries the latest version
    // forward. Tie rule (docs/semantics.md §10: of versions sharing validFrom, the one whose canonical
    // JSON sorts last): `category` is the first key and the only field two such versions differ in, so
    // ordering them by category ascending puts that one last.
    hand: (d) =>
      aq
        .from(d.events)
        .derive({ t: (r: Event) => r.ts, kind: () => 1, version: () => null })
        .concat(
          aq.from(d.items).derive({
            eventId: () => null,
            userId: () => null,
            ts: () => null,
            amount: () => null,
            t: (r: Item) => r.updatedAt,
            kind: () => 0,
            version: (r: Item) => r.category,
          }),
        )
        .groupby("itemId")
        .orderby("t", "kind", "version")
        .derive({ category: (r: { version: string | null }) => aq.op.fill_down(r.version, null) })
        .filter((r: { kind: number }) => r.kind === 1)
        .select("eventId", "userId", "itemId", "ts", "amount", "category")
        .objects(),
    // DuckDB's ASOF JOIN takes the greatest updatedAt ≤ ts; ties are first collapsed by the same rule.
    sql: `SELECT ev.*, v.category FROM ev ASOF LEFT JOIN
            (SELECT itemId, updatedAt, max(category) AS category FROM items GROUP BY itemId, updatedAt) v
            ON ev.itemId = v.itemId AND ev.ts >= v.updatedAt`,
  },
];

// FNV-1a and a second, differently seeded multiplicative hash over the canonical JSON of a row.
const hashes = (s: string): [number, number] => {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
  }
  return [a >>> 0, b >>> 0];
};

/**
 * An order-independent digest of a result (a multiset hash over the rows'
 * canonical JSON): equal results give equal digests whatever order each
 * engine returns rows in, without sorting millions of strings.
 */
export const digest = (rows: readonly object[], normalise?: Query["normalise"]): string => {
  let a = 0;
  let b = 0;
  for (const r of rows) {
    const [x, y] = hashes(canonicalJson(normalise ? normalise(r as Record<string, unknown>) : r));
    a = (a + x) >>> 0;
    b = (b + y) >>> 0;
  }
  return `${rows.length}:${a.toString(16)}:${b.toString(16)}`;
};
