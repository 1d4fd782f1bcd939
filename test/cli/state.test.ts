/**
 * `lockstep run --state lmdb`: the DirectRunner with its operator state on
 * disk writes the same bytes as with state in memory, removes its state
 * directory afterwards, and refuses what it cannot do with exit 2. The sink
 * files of the flagship pipeline come from its final view in LMDB, streamed
 * in key order (src/engine/lmdb-final-view.ts): in their own processes, both
 * backends write byte-identical JSONL and CSV over users whose ids sort
 * differently in UTF-8 and UTF-16.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, repo, spawnCli, tempDir, writeJsonl } from "./helpers.ts";

const dir = tempDir();

const EXAMPLES = [
  {
    file: "examples/user-sequences.ts",
    inputs: ["--in", `events=${repo("examples/data/events.jsonl")}`, "--in", `items=${repo("examples/data/items.jsonl")}`],
    sink: "sequences",
  },
  { file: "examples/window-count.ts", inputs: ["--in", `events=${repo("examples/data/window-events.jsonl")}`], sink: "counts" },
];

describe("lockstep run --state lmdb", () => {
  for (const ex of EXAMPLES) {
    it(`${ex.file}: the same sink file as with state in memory, and no state left behind`, async () => {
      const mem = join(dir, `${ex.sink}-memory.jsonl`);
      const disk = join(dir, `${ex.sink}-lmdb.jsonl`);
      const stateDir = join(dir, `${ex.sink}-state`);
      const a = await cli("run", repo(ex.file), ...ex.inputs, "--out", `${ex.sink}=${mem}`, "-q");
      expect(a.code, a.err).toBe(0);
      // A cache of 2 values: nearly every write goes through LMDB.
      const b = await cli(
        "run",
        repo(ex.file),
        ...ex.inputs,
        "--out",
        `${ex.sink}=${disk}`,
        "-q",
        "--state",
        "lmdb",
        "--state-dir",
        stateDir,
        "--state-cache",
        "2",
      );
      expect(b.code, b.err).toBe(0);
      const text = readFileSync(mem, "utf8");
      expect(text.split("\n").filter(Boolean).length).toBeGreaterThan(0);
      expect(readFileSync(disk, "utf8")).toBe(text);
      expect(existsSync(stateDir)).toBe(false);
    });
  }

  it("the flagship in its own process: byte-identical JSONL and CSV sinks from the final view in LMDB", () => {
    // Users whose ids sort differently by UTF-8 bytes and by UTF-16 code units, and long ids.
    const users = Array.from({ length: 200 }, (_, i) => ["u", "\u{1F600}", "\ue000", "\uffff", "x".repeat(1200)][i % 5]! + String(i));
    const events = Array.from({ length: 1500 }, (_, n) => ({
      eventId: `e${Math.floor(n * 0.98)}`,
      userId: users[(n * 7919) % users.length]!,
      itemId: `i${n % 20}`,
      type: ["save", "click", "view", "hide"][n % 4],
      ts: 1_000_000 + n * 10 - (n % 7) * 30,
      durationMs: 1500,
    }));
    const ev = writeJsonl(join(dir, "flagship-events.jsonl"), events);
    const items = writeJsonl(
      join(dir, "flagship-items.jsonl"),
      Array.from({ length: 20 }, (_, i) => ({ itemId: `i${i}`, category: `c${i % 3}`, updatedAt: 0 })),
    );
    const run = (state: string, ext: string, extra: string[] = []) => {
      const out = join(dir, `flagship-${state}.${ext}`);
      const r = spawnCli([
        "run",
        repo("examples/user-sequences.ts"),
        "--in",
        `events=${ev}`,
        "--in",
        `items=${items}`,
        "--out",
        `sequences=${out}`,
        "-q",
        "--state",
        state,
        ...extra,
      ]);
      expect(r.code, r.err).toBe(0);
      return readFileSync(out, "utf8");
    };
    for (const ext of ["jsonl", "csv"]) {
      const mem = run("memory", ext);
      expect(mem.split("\n").filter(Boolean).length).toBeGreaterThan(100);
      // A buffer of 7 rows: the view is written to LMDB in many transactions.
      expect(run("lmdb", ext, ["--state-cache", "7"])).toBe(mem);
    }
  }, 180_000); // four CLI processes, each starting tsx

  it("refuses --state lmdb on another runner, --state-dir without it, and a state directory that is not empty", async () => {
    const ex = EXAMPLES[0]!;
    const out = ["--out", `${ex.sink}=${join(dir, "refused.jsonl")}`];
    const arquero = await cli("run", repo(ex.file), ...ex.inputs, ...out, "--runner", "arquero", "--state", "lmdb");
    expect(arquero.code).toBe(2);
    expect(arquero.err).toMatch(/--state lmdb is an option of the DirectRunner/);
    const noState = await cli("run", repo(ex.file), ...ex.inputs, ...out, "--state-dir", join(dir, "unused"));
    expect(noState.code).toBe(2);
    expect(noState.err).toMatch(/Fix: add --state lmdb/);
    const used = join(dir, "used");
    mkdirSync(used);
    writeFileSync(join(used, "data.mdb"), "");
    const notEmpty = await cli("run", repo(ex.file), ...ex.inputs, ...out, "--state", "lmdb", "--state-dir", used);
    expect(notEmpty.code).toBe(2);
    expect(notEmpty.err).toMatch(/is not empty/);
    expect(readdirSync(used)).toEqual(["data.mdb"]);
  });
});
