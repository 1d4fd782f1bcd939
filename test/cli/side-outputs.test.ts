import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, readJsonl, tempDir, writeJsonl } from "./helpers.ts";

// Dead-letter and late files are written in one order on every runner (docs/semantics.md §11),
// so they compare byte for byte, as sink files do.
const dir = tempDir();
const events = writeJsonl(join(dir, "events.jsonl"), [
  { key: "b", ts: 25_000 },
  "not json",
  { key: "a", ts: 30_000 },
  { key: "b", ts: 1_000 }, // late: b's clock is 25 s, its window [0, 10 s) has closed
  { key: "a", ts: 2_000 }, // late for a
  { key: "a" }, // missing ts: a dead letter
  { key: "c", ts: 5 },
  "{",
  { key: "a", ts: 3_000 }, // late for a
]);

const run = async (runner: string) => {
  const [dead, late] = [join(dir, `${runner}-dead.jsonl`), join(dir, `${runner}-late.jsonl`)];
  const r = await cli(
    "run",
    "examples/window-count.ts",
    "--runner",
    runner,
    "--in",
    `events=${events}`,
    "--out",
    `counts=${join(dir, `${runner}-counts.jsonl`)}`,
    "--dead-letters",
    dead,
    "--late",
    late,
    "-q",
  );
  expect(r.code, r.err).toBe(0);
  return { dead: readFileSync(dead, "utf8"), late: readFileSync(late, "utf8"), deadRows: readJsonl(dead), lateRows: readJsonl(late) };
};

describe("side-output files", () => {
  it("list dead letters and late elements by source and offset, identically on direct and arquero", async () => {
    const direct = await run("direct");
    const arquero = await run("arquero");
    expect((direct.deadRows as { offset: number }[]).map((d) => d.offset)).toEqual([2, 6, 8]);
    expect((direct.lateRows as { offset: number }[]).map((d) => d.offset)).toEqual([4, 5, 9]);
    expect(arquero.dead).toBe(direct.dead);
    expect(arquero.late).toBe(direct.late);
  });
});
