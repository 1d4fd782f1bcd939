/**
 * The LMDB state backend (src/engine/lmdb-state.ts) gives the memory
 * backend's results: on generated pipelines × generated histories with a
 * cache of 8 values (the `direct-lmdb` parity runner), and key by key for
 * the cases the cache must get right — eviction between a read and a write,
 * deletes not yet written, keys too long for LMDB, values LMDB's encoding
 * must keep (±Infinity, NaN, nesting, lone surrogates and NULs in keys and values).
 */
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { LmdbStateBackend } from "../../src/engine/lmdb-state.ts";
import { MemoryStateBackend } from "../../src/engine/state.ts";
import type { StateBackend } from "../../src/engine/state.ts";
import { checkRecipeParity } from "../../src/parity/harness.ts";

const RUNS = Number(process.env.PARITY_RECIPE_RUNS ?? 300);

/** Applies the same operations to a store of `backend` and returns what it holds. */
const script = (backend: StateBackend): Record<string, unknown> => {
  const s = backend.store<{ n: number; w: unknown[] }>("stage", "st");
  const other = backend.store<number>("stage", "other");
  const long = "k".repeat(3000);
  // Keys LMDB cannot hold as they are: lone surrogates, a NUL, the hashed-key prefix; and a pair it can.
  const odd = ["\udfff", "a\ud800", "\ud800\udc00", "a\u0000b", "\u0001#x"];
  for (let i = 0; i < 200; i++) {
    const k = `key${i % 37}`;
    const v = s.get(k) ?? { n: 0, w: [] };
    other.set(k, i); // may evict `v` from the cache before it is set
    v.n += i;
    v.w.push([i, i % 2 ? Infinity : -Infinity, { nested: [Number.NaN] }]);
    s.set(k, v);
    if (i % 11 === 0) s.delete(`key${(i + 5) % 37}`);
    if (i % 13 === 0) s.set(long + (i % 3), { n: i, w: [] });
    if (i % 7 === 0) s.set(odd[i % 5]!, { n: i, w: [odd[(i + 1) % 5]] });
  }
  s.delete(`${long}1`);
  const out: Record<string, unknown> = {};
  for (const k of [...s.keys()].sort()) out[`st:${k.length > 100 ? `${k.slice(0, 3)}…${k.length}` : k}`] = s.get(k);
  for (const k of [...other.keys()].sort()) out[`other:${k}`] = other.get(k);
  return out;
};

describe("LmdbStateBackend", () => {
  it("holds what the memory backend holds, through evictions, deletes and long keys", async () => {
    const expected = script(new MemoryStateBackend());
    for (const cacheEntries of [1, 3, 1000]) {
      const lmdb = new LmdbStateBackend({ cacheEntries });
      try {
        expect(script(lmdb)).toEqual(expected);
      } finally {
        await lmdb.close();
      }
    }
    expect(Object.keys(expected).length).toBeGreaterThan(40);
  });

  it("keeps its values across close and reopen when asked to keep the directory", async () => {
    const first = new LmdbStateBackend({ cacheEntries: 2, keep: true });
    const dir = (first as unknown as { dir: string }).dir;
    for (let i = 0; i < 10; i++) first.store<number>("a", "b").set(`k${i}`, i * 1.5);
    await first.close();
    const again = new LmdbStateBackend({ dir });
    try {
      const s = again.store<number>("a", "b");
      expect([...s.keys()].sort()).toEqual(Array.from({ length: 10 }, (_, i) => `k${i}`).sort());
      expect(s.get("k7")).toBe(10.5);
    } finally {
      await again.close();
    }
    expect(existsSync(dir)).toBe(false);
  });

  it(`direct = direct with state in LMDB (${RUNS} generated cases)`, async () => {
    const report = await checkRecipeParity({ runners: ["direct", "direct-lmdb"], runs: RUNS });
    expect(report.ok, report.text).toBe(true);
    expect(report.stats.rows, report.text).toBeGreaterThan(0);
  }, 300_000);
});
