/**
 * `lockstep run … --runner arquero` with the same `--in/--out` files as the
 * DirectRunner writes byte-identical output files, whatever the input format
 * (JSONL, CSV, Arrow IPC, Parquet) and output format; dead letters and late
 * elements hold the same records.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readRecords } from "../../../src/io/read.ts";
import { writeRecords } from "../../../src/io/write.ts";
import { cli, repo, tempDir } from "../../cli/helpers.ts";
import { asSet } from "./parity.ts";

const dir = tempDir();

/** The JSONL example file re-written in `format` (malformed lines stay out: other formats cannot hold them). */
const converted = async (name: string, format: "jsonl" | "csv" | "arrow" | "parquet"): Promise<string> => {
  const src = repo(`examples/data/${name}.jsonl`);
  if (format === "jsonl") return src;
  const rows: unknown[] = [];
  for await (const r of readRecords(src)) if (r.error === undefined) rows.push(r.value);
  const path = join(dir, `${name}.${format}`);
  await writeRecords(path, rows);
  return path;
};

const lines = (path: string): string[] => readFileSync(path, "utf8").split("\n").filter(Boolean);

const runBoth = async (args: (runner: string) => string[]) => {
  for (const runner of ["direct", "arquero"]) {
    const r = await cli(...args(runner));
    expect(r.code, r.err).toBe(0);
  }
};

describe("lockstep run --runner arquero", () => {
  it.each(["jsonl", "csv", "arrow", "parquet"] as const)("the flagship example from %s input gives the DirectRunner's files", async (format) => {
    const events = await converted("events", format);
    const items = await converted("items", format);
    const out = (runner: string, what: string, ext = "jsonl") => join(dir, `${format}-${runner}-${what}.${ext}`);
    await runBoth((runner) => [
      "run",
      repo("examples/user-sequences.ts"),
      "--runner",
      runner,
      "--in",
      `events=${events}`,
      "--in",
      `items=${items}`,
      "--out",
      `sequences=${out(runner, "sequences")}`,
      "--dead-letters",
      out(runner, "dead"),
      "--late",
      out(runner, "late"),
      "-q",
    ]);
    expect(readFileSync(out("arquero", "sequences"))).toEqual(readFileSync(out("direct", "sequences")));
    expect(lines(out("arquero", "sequences")).length).toBeGreaterThan(0);
    expect(asSet(lines(out("arquero", "dead")))).toEqual(asSet(lines(out("direct", "dead"))));
  });

  it.each(["csv", "arrow", "parquet"] as const)("window counts with late elements, written as %s", async (format) => {
    const out = (runner: string, what: string, ext: string) => join(dir, `wc-${runner}-${what}.${ext}`);
    await runBoth((runner) => [
      "run",
      repo("examples/window-count.ts"),
      "--runner",
      runner,
      "--in",
      `events=${repo("examples/data/window-events.jsonl")}`,
      "--param",
      "window=sliding:30s/5s",
      "--param",
      "lateness=2s",
      "--out",
      `counts=${out(runner, "counts", format)}`,
      "--late",
      out(runner, "late", "jsonl"),
      "-q",
    ]);
    expect(readFileSync(out("arquero", "counts", format))).toEqual(readFileSync(out("direct", "counts", format)));
    expect(asSet(lines(out("arquero", "late", "jsonl")))).toEqual(asSet(lines(out("direct", "late", "jsonl"))));
    expect(lines(out("direct", "late", "jsonl")).length).toBeGreaterThan(0);
  });

  it("logs its fallbacks on stderr unless quiet", async () => {
    const args = [
      "run",
      repo("examples/user-sequences.ts"),
      "--runner",
      "arquero",
      "--in",
      `events=${repo("examples/data/events.jsonl")}`,
      "--in",
      `items=${repo("examples/data/items.jsonl")}`,
    ];
    const loud = await cli(...args);
    expect(loud.code).toBe(0);
    expect(loud.err).toMatch(/lockstep\[arquero\]: stage "events.dispatch": executor longView@1 runs row at a time/);
    expect(loud.err).toMatch(/on arquero in \d+ ms/);
    expect((await cli(...args, "-q")).err).toBe("");
  });
});
