/**
 * The served bytes: whether an answer takes the fast path (no stage changed the rows, so the stored
 * text is written as it is), the staged path (rows changed, written as canonical JSON again) or comes
 * from the answer cache, the body is exactly the canonical JSON of `{key, rows}` with `rows` the
 * DirectRunner's final view of the key passed through the same request stages (the interpreter as
 * the oracle), and a cached answer never outlives the stored text it was made from.
 */
import { afterAll, describe, expect, it } from "vitest";
import { canonicalJson } from "../../src/core/canonical.ts";
import type { SinkNode } from "../../src/plan/index.ts";
import { openViewStore } from "../../src/store/index.ts";
import userSequences from "../../examples/user-sequences.ts";
import { interpretStages } from "./oracle.ts";
import { repo, serverOf, storeOf, tempDir } from "./helpers.ts";

const dir = tempDir();

const getText = async (base: string, path: string): Promise<{ status: number; text: string }> => {
  const r = await fetch(base + path);
  return { status: r.status, text: await r.text() };
};

/** Queries and the params they decode to: some change no row (the fast path), some do. */
const requests: [string, Record<string, unknown>][] = [
  ["", {}],
  ["?limit=1000", { limit: 1000 }],
  [`?hide=${encodeURIComponent('["nothing-has-this-type"]')}`, { hide: ["nothing-has-this-type"] }],
  ["?limit=3", { limit: 3 }],
  [`?limit=2&hide=${encodeURIComponent('["view"]')}`, { limit: 2, hide: ["view"] }],
  ["?limit=0", { limit: 0 }],
];

describe("served bytes equal the canonical JSON of Direct's final view through the request stages", async () => {
  const stored = await storeOf(userSequences, { events: repo("examples/data/events.jsonl"), items: repo("examples/data/items.jsonl") }, `${dir}/seq`);
  const stages = (stored.plan.nodes.find((n) => n.op === "sink") as SinkNode).serve!.stages;
  const rows = stored.result.outputs.sequences as { userId: string }[];
  // The writer of the last test, opened first: LMDB shares one environment per path in a process,
  // and a path first opened read-only by a server could not be written through later.
  const writer = openViewStore(stored.store);
  afterAll(() => writer.close());
  const cached = await serverOf(stored);
  const uncached = await serverOf({ ...stored, answerCacheBytes: 0 });

  it("on the fast and the staged path, with and without the answer cache, first and repeated requests", async () => {
    expect(rows.length).toBeGreaterThan(3);
    let unchanged = 0;
    let changed = 0;
    for (const row of rows) {
      for (const [query, params] of requests) {
        const want = interpretStages(stages, [row], params);
        if (canonicalJson(want) === canonicalJson([row])) unchanged++;
        else changed++;
        const bytes = canonicalJson({ key: { userId: row.userId }, rows: want });
        for (const server of [cached, uncached, cached]) {
          const r = await getText(server.url, `/v1/sequences/${encodeURIComponent(row.userId)}${query}`);
          expect(r.status).toBe(200);
          expect(r.text).toBe(bytes);
        }
      }
    }
    // Both paths were taken.
    expect(unchanged).toBeGreaterThan(rows.length);
    expect(changed).toBeGreaterThan(rows.length);
  });

  it("batchGet answers the same bytes per key", async () => {
    const keys = rows.map((r) => r.userId);
    for (const [, params] of requests) {
      const want = `{"results":[${rows.map((row) => canonicalJson({ key: { userId: row.userId }, rows: interpretStages(stages, [row], params) })).join(",")}]}`;
      for (const server of [cached, uncached, cached]) {
        const r = await fetch(`${server.url}/v1/sequences:batchGet`, { method: "POST", body: JSON.stringify({ keys, params }) });
        expect(await r.text()).toBe(want);
      }
    }
  });

  it("a cached answer is not served once the store holds other rows for its key", async () => {
    const row = rows[0] as { userId: string; events: unknown[] };
    const path = `/v1/sequences/${encodeURIComponent(row.userId)}?limit=2`;
    const before = await getText(cached.url, path);
    expect(before.text).toBe(canonicalJson({ key: { userId: row.userId }, rows: interpretStages(stages, [row], { limit: 2 }) }));
    // A new snapshot whose row for this key has its events reversed: same key, other stored text.
    const next = { ...row, events: [...row.events].reverse() };
    await writer.writeSnapshot(
      "sequences",
      rows.map((r) => (r === row ? { key: { userId: r.userId }, rows: [next] } : { key: { userId: r.userId }, rows: [r] })),
    );
    const after = await getText(cached.url, path);
    expect(after.text).toBe(canonicalJson({ key: { userId: row.userId }, rows: interpretStages(stages, [next], { limit: 2 }) }));
    expect(after.text).not.toBe(before.text);
  });
});
