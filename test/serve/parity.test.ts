import { describe, expect, it } from "vitest";
import type { SinkNode } from "../../src/plan/index.ts";
import userSequences from "../../examples/user-sequences.ts";
import windowCount from "../../examples/window-count.ts";
import { getJson, postJson, repo, serverOf, storeOf, tempDir } from "./helpers.ts";
import { interpretStages } from "./oracle.ts";

const dir = tempDir();

describe("served answers equal the DirectRunner's final view", () => {
  it("window-count (no request stages, a three-field key as URL-encoded JSON): every key's rows are Direct's", async () => {
    const stored = await storeOf(windowCount, { events: repo("examples/data/window-events.jsonl") }, `${dir}/counts`);
    const server = await serverOf(stored);
    const rows = stored.result.outputs.counts as { key: string; windowStart: number; windowEnd: number }[];
    expect(rows.length).toBeGreaterThan(3);
    for (const row of rows) {
      const key = { key: row.key, windowStart: row.windowStart, windowEnd: row.windowEnd };
      const r = await getJson(server.url, `/v1/counts/${encodeURIComponent(JSON.stringify(key))}`);
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ key, rows: [row] });
    }
    // The same through batchGet, in request order, with a missing key in between.
    const keys = rows.map((r) => ({ key: r.key, windowStart: r.windowStart, windowEnd: r.windowEnd }));
    const missing = { key: "nobody", windowStart: 0, windowEnd: 10_000 };
    const b = await postJson(server.url, "/v1/counts:batchGet", { keys: [keys[0], missing, ...keys.slice(1)] });
    expect(b.status).toBe(200);
    expect(b.body.results).toEqual([
      { key: keys[0], rows: [rows[0]] },
      { key: missing, error: { code: "not_found" } },
      ...rows.slice(1).map((row, i) => ({ key: keys[i + 1], rows: [row] })),
    ]);
  });

  it("user-sequences (a one-field key as plain text): without params every user's row is Direct's; with params it is the interpreter applied to Direct's row", async () => {
    const stored = await storeOf(userSequences, { events: repo("examples/data/events.jsonl"), items: repo("examples/data/items.jsonl") }, `${dir}/sequences`);
    const server = await serverOf(stored);
    const stages = (stored.plan.nodes.find((n) => n.op === "sink") as SinkNode).serve!.stages;
    const rows = stored.result.outputs.sequences as { userId: string; events: { type: string }[] }[];
    expect(rows.length).toBeGreaterThan(3);
    const requests: [string, Record<string, unknown>][] = [
      ["", {}],
      ["?limit=3", { limit: 3 }],
      [`?hide=${encodeURIComponent('["view","click"]')}`, { hide: ["view", "click"] }],
      [`?limit=2&hide=${encodeURIComponent('["save"]')}`, { limit: 2, hide: ["save"] }],
      ["?limit=0", { limit: 0 }],
    ];
    let changed = 0;
    for (const row of rows) {
      for (const [query, params] of requests) {
        const r = await getJson(server.url, `/v1/sequences/${encodeURIComponent(row.userId)}${query}`);
        expect(r.status).toBe(200);
        const want = interpretStages(stages, [row], params);
        if (query === "") expect(want).toEqual([row]);
        else if (JSON.stringify(want) !== JSON.stringify([row])) changed++;
        expect(r.body).toEqual({ key: { userId: row.userId }, rows: want });
      }
    }
    expect(changed).toBeGreaterThan(rows.length); // the stages did something on most requests
    const b = await postJson(server.url, "/v1/sequences:batchGet", { keys: rows.map((r) => r.userId), params: { limit: 1, hide: ["view"] } });
    expect(b.body.results).toEqual(rows.map((row) => ({ key: { userId: row.userId }, rows: interpretStages(stages, [row], { limit: 1, hide: ["view"] }) })));
  });
});
