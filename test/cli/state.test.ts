/**
 * `lockstep run --state lmdb`: the DirectRunner with its operator state on
 * disk writes the same bytes as with state in memory, removes its state
 * directory afterwards, and refuses what it cannot do with exit 2.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, repo, tempDir } from "./helpers.ts";

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
