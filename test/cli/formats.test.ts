import * as t from "io-ts";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { coerceCsvRow, readRecords, writeRecords } from "../../src/io/index.ts";
import type { Format } from "../../src/io/index.ts";
import { toSchema } from "../../src/schema/index.ts";
import { cli, readJsonl, repo, tempDir, writeJsonl } from "./helpers.ts";

const dir = tempDir();

/** Every record of a file, as read by the CLI's readers (CSV coerced by `schema`). */
const rowsOf = async (path: string, schema?: t.Mixed): Promise<unknown[]> => {
  const rows: unknown[] = [];
  for await (const r of readRecords(path)) {
    if (r.error !== undefined) continue;
    rows.push(schema && path.endsWith(".csv") ? coerceCsvRow(r.value as Record<string, string | null>, toSchema(schema)) : r.value);
  }
  return rows;
};

/** Converts a JSONL file to `format` (malformed lines cannot be converted and are left out). */
const convert = async (jsonl: string, format: Format): Promise<string> => {
  const to = join(
    dir,
    `${jsonl
      .split("/")
      .pop()!
      .replace(/\.jsonl$/, "")}-${format}.${format}`,
  );
  await writeRecords(to, await rowsOf(jsonl));
  return to;
};

const run = async (...args: string[]) => {
  const r = await cli("run", ...args, "-q");
  expect(r.err).toBe("");
  expect(r.code).toBe(0);
};

const Counts = t.type({ word: t.string, count: t.number });
const Sequence = t.type({
  userId: t.string,
  events: t.array(t.type({ itemId: t.string, type: t.string, ts: t.number, category: t.union([t.string, t.null]) })),
});

describe("input formats by extension give the JSONL final view", () => {
  const lines = writeJsonl(join(dir, "lines.jsonl"), [{ line: "to be or not to be" }, { line: "" }, { line: "Be quick" }]);
  // to:2 be:3 or:1 not:1 quick:1
  const expected = [
    { word: "be", count: 3 },
    { word: "not", count: 1 },
    { word: "or", count: 1 },
    { word: "quick", count: 1 },
    { word: "to", count: 2 },
  ];

  for (const format of ["jsonl", "csv", "arrow", "parquet"] as const) {
    it(`wordcount from .${format}`, async () => {
      const input = format === "jsonl" ? lines : await convert(lines, format);
      const out = join(dir, `wc-from-${format}.jsonl`);
      await run(repo("examples/wordcount.ts"), "--in", `lines=${input}`, "--out", `counts=${out}`);
      expect(readJsonl(out)).toEqual(expected);
    });
  }

  it("window-count and sessions on the bundled data, from .csv, .arrow and .parquet", async () => {
    for (const [example, source, sink, data] of [
      ["window-count", "events", "counts", "window-events"],
      ["sessions", "clicks", "sessions", "clicks"],
    ] as const) {
      const jsonl = repo(`examples/data/${data}.jsonl`);
      const base = join(dir, `${example}-jsonl.jsonl`);
      await run(repo(`examples/${example}.ts`), "--in", `${source}=${jsonl}`, "--out", `${sink}=${base}`);
      for (const format of ["csv", "arrow", "parquet"] as const) {
        const out = join(dir, `${example}-${format}.jsonl`);
        await run(repo(`examples/${example}.ts`), "--in", `${source}=${await convert(jsonl, format)}`, "--out", `${sink}=${out}`);
        expect(readFileSync(out, "utf8"), `${example} from ${format}`).toBe(readFileSync(base, "utf8"));
      }
    }
  });

  it("user-sequences from .csv (the optional durationMs is an empty cell)", async () => {
    const base = join(dir, "seq-jsonl.jsonl");
    const events = repo("examples/data/events.jsonl");
    const items = repo("examples/data/items.jsonl");
    await run(repo("examples/user-sequences.ts"), "--in", `events=${events}`, "--in", `items=${items}`, "--out", `sequences=${base}`);
    const out = join(dir, "seq-csv.jsonl");
    await run(
      repo("examples/user-sequences.ts"),
      "--in",
      `events=${await convert(events, "csv")}`,
      "--in",
      `items=${await convert(items, "csv")}`,
      "--out",
      `sequences=${out}`,
    );
    expect(readFileSync(out, "utf8")).toBe(readFileSync(base, "utf8"));
  });

  // KNOWN BUG (src/io, reported): Arrow and Parquet read an absent field as
  // null, and `t.partial({ durationMs: t.number })` rejects null, so every
  // event without durationMs becomes a dead letter. CSV drops such empty
  // cells (csv-coerce); Arrow/Parquet need the same rule. Flip to `it` when fixed.
  for (const format of ["arrow", "parquet"] as const) {
    it(`user-sequences from .${format} (optional fields)`, async () => {
      const base = join(dir, "seq-jsonl.jsonl");
      const events = repo("examples/data/events.jsonl");
      const items = repo("examples/data/items.jsonl");
      await run(repo("examples/user-sequences.ts"), "--in", `events=${events}`, "--in", `items=${items}`, "--out", `sequences=${base}`);
      const out = join(dir, `seq-${format}.jsonl`);
      await run(
        repo("examples/user-sequences.ts"),
        "--in",
        `events=${await convert(events, format)}`,
        "--in",
        `items=${await convert(items, format)}`,
        "--out",
        `sequences=${out}`,
      );
      expect(readFileSync(out, "utf8")).toBe(readFileSync(base, "utf8"));
    });
  }
});

describe("output formats by extension hold the JSONL final view", () => {
  const events = repo("examples/data/events.jsonl");
  const items = repo("examples/data/items.jsonl");
  const lines = repo("examples/data/lines.jsonl");

  for (const format of ["csv", "arrow", "parquet"] as const) {
    it(`.${format}`, async () => {
      const seqJsonl = join(dir, `out-seq.jsonl`);
      const seqOut = join(dir, `out-seq.${format}`);
      const wcJsonl = join(dir, `out-wc.jsonl`);
      const wcOut = join(dir, `out-wc.${format}`);
      const dead = join(dir, `out-dead.${format}`);
      await run(repo("examples/user-sequences.ts"), "--in", `events=${events}`, "--in", `items=${items}`, "--out", `sequences=${seqJsonl}`);
      await run(
        repo("examples/user-sequences.ts"),
        "--in",
        `events=${events}`,
        "--in",
        `items=${items}`,
        "--out",
        `sequences=${seqOut}`,
        "--dead-letters",
        dead,
      );
      await run(repo("examples/wordcount.ts"), "--in", `lines=${lines}`, "--out", `counts=${wcJsonl}`);
      await run(repo("examples/wordcount.ts"), "--in", `lines=${lines}`, "--out", `counts=${wcOut}`);
      // Same rows in the same order (sorted by output key).
      expect(await rowsOf(seqOut, Sequence)).toEqual(readJsonl(seqJsonl));
      expect(await rowsOf(wcOut, Counts)).toEqual(readJsonl(wcJsonl));
      expect((await rowsOf(dead)).map((d) => (d as { offset: unknown }).offset).map(Number)).toEqual([41, 91]);
    });
  }
});
