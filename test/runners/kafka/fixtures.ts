/**
 * Pipelines and generated inputs shared by the Kafka runner tests and the
 * child processes some of them start (so: no vitest imports here).
 *
 * @module
 */
import * as t from "io-ts";
import * as L from "../../../dsl/index.ts";

/** A device's reading of a counter `key`: source key `device`, stage key `key` (a repartition). */
export const Reading = t.type({ device: t.string, key: t.string, ts: t.number, n: t.number });

/**
 * Running totals per key over a global window with a pane after every
 * element: the sink holds each key's total so far long before end of input,
 * so an unbounded run's final view can be compared with the DirectRunner's.
 * The source is keyed by device and the totals by key, so it repartitions.
 */
export const runningTotals = L.pipeline("running-totals", { version: 1 }, ({ source, sink }) =>
  L.pipe(
    source("readings", Reading, { key: "device" }),
    L.withTimestamps((e) => e.field("ts")),
    L.keyBy("key"),
    L.window(L.global(), { trigger: { early: { every: 1 } } }),
    L.combine({ count: L.count(), total: L.sum("n"), first: L.first("n"), last: L.last("n"), devices: L.countDistinct("device") }),
    sink("totals"),
  ),
);

/** A click or an impression of user `u` on ad `ad` at `ts`. */
export const AdEvent = t.type({ u: t.string, ad: t.string, ts: t.number });

/**
 * Impressions (source keyed by user) left-joined with clicks (source keyed by
 * ad, re-keyed by user) per user and 10 s window: the two sides arrive
 * partitioned differently, so both must be repartitioned to meet.
 */
export const clickJoin = L.pipeline("click-join", { version: 1 }, ({ source, sink }) => {
  const impressions = L.pipe(
    source("impressions", AdEvent, { key: "u" }),
    L.withTimestamps((e) => e.field("ts")),
    L.keyBy("u"),
    L.window(L.fixed("10s"), { allowedLateness: "2s" }),
  );
  const clicks = L.pipe(
    source("clicks", AdEvent, { key: "ad" }),
    L.withTimestamps((e) => e.field("ts")),
    L.keyBy("u"),
    L.window(L.fixed("10s"), { allowedLateness: "2s" }),
  );
  return L.pipe(impressions, L.join(clicks, { kind: "left", as: ["impression", "click"] }), sink("joined"));
});

/** Inputs for {@link clickJoin}: per user and per ad, times mostly increasing, some out of order. */
export const adEvents = (seed: number, n: number): { impressions: object[]; clicks: object[] } => {
  const r = rng(seed);
  const users = ["u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8"];
  const ads = ["a1", "a2", "a3", "a4"];
  let now = 0;
  const impressions: object[] = [];
  const clicks: object[] = [];
  for (let i = 0; i < n; i++) {
    now += r.int(0, 800);
    const e = { u: r.pick(users), ad: r.pick(ads), ts: r.chance(0.1) ? Math.max(0, now - r.int(0, 15_000)) : now };
    impressions.push(e);
    if (r.chance(0.4)) clicks.push({ ...e, ts: e.ts + r.int(0, 3000) });
  }
  return { impressions, clicks };
};

/** An executor that throws on readings of exactly 13. */
export const picky = L.executor("picky", 1, {
  featurize: (r: t.TypeOf<typeof Reading>) => {
    if (r.n === 13) throw new Error("unlucky 13");
    return r;
  },
});

/** {@link runningTotals} behind {@link picky}. */
export const pickyTotals = L.pipeline("picky-totals", { version: 1 }, ({ source, sink }) =>
  L.pipe(
    source("readings", Reading, { key: "device" }),
    L.apply(picky),
    L.withTimestamps((e) => e.field("ts")),
    L.keyBy("key"),
    L.window(L.global(), { trigger: { early: { every: 1 } } }),
    L.combine({ count: L.count(), total: L.sum("n") }),
    sink("totals"),
  ),
);

/** A deterministic pseudo-random generator (mulberry32): the same seed gives the same inputs. */
export const rng = (seed: number) => {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number): number => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
    chance: (p: number): boolean => next() < p,
  };
};

/** Readings for {@link runningTotals}: out-of-order times, duplicates and a few records that fail to decode. */
export const readings = (seed: number, n: number): (object | string)[] => {
  const r = rng(seed);
  const devices = ["d1", "d2", "d3", "d4", "d5", "d6", "d7"];
  const clock = new Map(devices.map((d) => [d, r.int(0, 1000)]));
  const out: (object | string)[] = [];
  for (let i = 0; i < n; i++) {
    if (i > 0 && r.chance(0.05)) {
      out.push(out[out.length - 1]!);
      continue;
    }
    if (r.chance(0.02)) {
      out.push(r.pick(['{"device":"d1","key":"k1","ts":"now","n":1}', '{"device":"d2"}', "nope"]));
      continue;
    }
    const device = r.pick(devices);
    const c = clock.get(device)!;
    const ts = r.chance(0.15) ? c - r.int(1, 5000) : c + r.int(0, 2000);
    clock.set(device, Math.max(c, ts));
    out.push({ device, key: r.pick(["k1", "k2", "k3", "k4", "k5"]), ts, n: r.int(-50, 100) });
  }
  return out;
};

/**
 * Keyed events `{ key, ts }` for window-count: per key, time mostly moves
 * forward in steps of up to 4 s, with gaps of 15–40 s (so sessions split),
 * records up to 25 s in the past (some late for their window, some not),
 * exact duplicates, and a few malformed records (dead letters).
 */
export const keyedEvents = (seed: number, n: number): (object | string)[] => {
  const r = rng(seed);
  const keys = ["a", "b", "c", "d", "e"];
  const clock = new Map(keys.map((k) => [k, r.int(0, 5000)]));
  const out: (object | string)[] = [];
  for (let i = 0; i < n; i++) {
    if (i > 0 && r.chance(0.08)) {
      out.push(out[out.length - 1]!); // an exact duplicate
      continue;
    }
    if (r.chance(0.02)) {
      out.push(r.pick(['{"key":"a","ts":"soon"}', "not json", '{"key":"b"}', '{"ts":5}', "[1,2]"]));
      continue;
    }
    const key = r.pick(keys);
    const c = clock.get(key)!;
    if (r.chance(0.15)) {
      out.push({ key, ts: Math.max(0, c - r.int(1, 25_000)) }); // out of order, maybe late
      continue;
    }
    const ts = c + (r.chance(0.1) ? r.int(15_000, 40_000) : r.int(0, 4000));
    clock.set(key, ts);
    out.push({ key, ts });
  }
  return out;
};

/** Lines for wordcount, with a few malformed records. */
export const lines = (seed: number, n: number): (object | string)[] => {
  const r = rng(seed);
  const words = ["the", "The", "THE", "fox", "don't", "Dog", "lazy", "a", "quick", "brown", "it's", "jumps", "over", "zebra", "éclair"];
  const out: (object | string)[] = [];
  for (let i = 0; i < n; i++) {
    if (r.chance(0.03)) {
      out.push(r.pick(['{"line":5}', "{}", "garbage", '{"line":null}']));
      continue;
    }
    const w = Array.from({ length: r.int(0, 9) }, () => r.pick(words));
    out.push({ line: w.join(r.pick([" ", ", ", " -- ", "! "])) });
    if (r.chance(0.05)) out.push(out[out.length - 1]!);
  }
  return out;
};

/** Clicks for sessions (30 min gap, 10 min lateness): per user, bursts with hour-long pauses, records up to 2 h old. */
export const clicks = (seed: number, n: number): (object | string)[] => {
  const r = rng(seed);
  const users = ["u1", "u2", "u3", "u4", "u5", "u6"];
  const pages = ["home", "pin", "board", "search", "profile"];
  const base = 1_793_491_200_000;
  const clock = new Map(users.map((u) => [u, base + r.int(0, 600_000)]));
  const out: (object | string)[] = [];
  for (let i = 0; i < n; i++) {
    if (i > 0 && r.chance(0.06)) {
      out.push(out[out.length - 1]!);
      continue;
    }
    if (r.chance(0.02)) {
      out.push(r.pick(['{"userId":"u1","page":"home","ts":1793491200000,"dwellMs":"long"}', '{"userId":"u2"}', "{oops"]));
      continue;
    }
    const userId = r.pick(users);
    const c = clock.get(userId)!;
    let ts: number;
    if (r.chance(0.15)) ts = c - r.int(60_000, 7_200_000);
    else {
      ts = c + (r.chance(0.15) ? r.int(35 * 60_000, 3 * 3_600_000) : r.int(0, 20 * 60_000));
      clock.set(userId, ts);
    }
    out.push({ userId, page: r.pick(pages), ts, dwellMs: r.int(100, 90_000) });
  }
  return out;
};

/**
 * Events and item versions for user-sequences: duplicated event ids (exact
 * duplicates, in the same user's stream), out-of-order times, every event
 * type, events that fail to decode, and a malformed item row.
 */
export const engagement = (seed: number, n: number): { events: (object | string)[]; items: (object | string)[] } => {
  const r = rng(seed);
  const base = 1_793_491_200_000;
  const items: (object | string)[] = [];
  for (let i = 1; i <= 10; i++) {
    for (let v = 0; v < r.int(1, 3); v++)
      items.push({ itemId: `i${i}`, category: r.pick(["diy", "fashion", "food", "travel"]), updatedAt: base - 86_400_000 + r.int(0, 2 * 86_400_000) });
  }
  items.push('{"itemId":"i3","category":"food"}', '{"itemId":"i4","category":"food","updatedAt":"yesterday"}');
  const users = ["u1", "u2", "u3", "u4", "u5", "u6", "u7"];
  const clock = new Map(users.map((u) => [u, base + r.int(0, 3_600_000)]));
  const events: (object | string)[] = [];
  const seen: object[] = [];
  for (let i = 0; i < n; i++) {
    if (seen.length > 0 && r.chance(0.08)) {
      events.push(r.pick(seen)); // the same event again (its user's partition, later in the stream)
      continue;
    }
    if (r.chance(0.02)) {
      events.push(r.pick(['{"eventId":"x1","userId":"u1","itemId":"i1","type":"like","ts":1}', '{"eventId":"x2","userId":"u2"}', "}{"]));
      continue;
    }
    const userId = r.pick(users);
    const c = clock.get(userId)!;
    const ts = r.chance(0.2) ? c - r.int(1000, 3_600_000) : c + r.int(0, 600_000);
    clock.set(userId, Math.max(c, ts));
    const type = r.pick(["save", "click", "view", "view", "hide"]);
    const e = { eventId: `e${i}`, userId, itemId: `i${r.int(1, 11)}`, type, ts, ...(type === "view" ? { durationMs: r.int(0, 3000) } : {}) };
    seen.push(e);
    events.push(e);
  }
  return { events, items };
};
