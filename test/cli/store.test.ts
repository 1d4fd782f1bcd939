import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openViewStore } from "../../src/store/index.ts";
import { cli, readJsonl, repo, tempDir } from "./helpers.ts";

const dir = tempDir();

const EXAMPLES = [
  {
    name: "user-sequences",
    file: "examples/user-sequences.ts",
    inputs: ["--in", `events=${repo("examples/data/events.jsonl")}`, "--in", `items=${repo("examples/data/items.jsonl")}`],
    sink: "sequences",
    key: (r: Record<string, unknown>) => ({ userId: r.userId }),
  },
  {
    name: "window-count",
    file: "examples/window-count.ts",
    inputs: ["--in", `events=${repo("examples/data/window-events.jsonl")}`],
    sink: "counts",
    key: (r: Record<string, unknown>) => ({ key: r.key, windowStart: r.windowStart, windowEnd: r.windowEnd }),
  },
];

describe("lockstep run --store", () => {
  for (const ex of EXAMPLES) {
    for (const runner of ["direct", "arquero"]) {
      it(`${ex.name} on ${runner}: the store holds the sink file's final view, key by key`, async () => {
        const store = join(dir, `${ex.name}-${runner}`);
        const out = join(dir, `${ex.name}-${runner}.jsonl`);
        const r = await cli("run", repo(ex.file), "--runner", runner, ...ex.inputs, "--out", `${ex.sink}=${out}`, "--store", store);
        expect(r.err).toContain(`store ${store}: sink ${ex.sink} → generation 1`);
        expect(r.code).toBe(0);
        const rows = readJsonl(out) as Record<string, unknown>[];
        const expected = new Map<string, { key: Record<string, unknown>; rows: unknown[] }>();
        for (const row of rows) {
          const key = ex.key(row);
          const k = JSON.stringify(key);
          if (!expected.has(k)) expected.set(k, { key, rows: [] });
          expected.get(k)!.rows.push(row);
        }
        expect(expected.size).toBeGreaterThan(1);
        const s = openViewStore(store, { readOnly: true });
        try {
          expect(s.sink(ex.sink)?.keys).toBe(expected.size);
          for (const { key, rows: want } of expected.values()) expect(s.get(ex.sink, key)).toEqual(want);
          expect(s.get(ex.sink, ex.key({ userId: "nobody", key: "nobody", windowStart: 0, windowEnd: 1 }))).toBeUndefined();
        } finally {
          await s.close();
        }
      });
    }
  }

  it("a second run switches in generation 2; a store of another definition is refused before running (exit 2)", async () => {
    const store = join(dir, "again");
    const ex = EXAMPLES[1]!;
    expect((await cli("run", repo(ex.file), ...ex.inputs, "--store", store, "-q")).code).toBe(0);
    const second = await cli("run", repo(ex.file), ...ex.inputs, "--store", store);
    expect(second.err).toContain("generation 2");
    const other = await cli("run", repo(ex.file), ...ex.inputs, "--param", "window=fixed:5s", "--store", store);
    expect(other.code).toBe(2);
    expect(other.err).toMatch(
      /store .*again: holds the views of "window-count" v1 \(sha256:[0-9a-f]+\), not of "window-count" v1 \(sha256:[0-9a-f]+\)\. Fix: /,
    );
  });

  it("refuses --store for a pipeline without a keyed sink, and with --follow", async () => {
    const r = await cli("run", repo("test/cli/fixtures/throws.ts"), "--in", `rows=${repo("examples/data/lines.jsonl")}`, "--store", join(dir, "x"));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--store .*: no sink of ".*" is keyed/);
    const f = await cli("run", repo("examples/window-count.ts"), "--runner", "kafka", "--follow", "--store", join(dir, "y"));
    expect(f.code).toBe(2);
    expect(f.err).toContain("Fix: drop --store with --follow");
  });
});
