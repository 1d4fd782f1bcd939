import { describe, expect, it } from "vitest";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readRecords, writeRecords } from "../../src/io/index.ts";
import { collect, tempDir } from "./tmp.ts";

const dir = tempDir();

describe("JSONL", () => {
  it("writes canonical JSON, one row a line, \\n after the last", async () => {
    const p = join(dir, "nested/deeper/out.jsonl");
    await writeRecords(p, [{ b: 1, a: { z: -0, y: [1, "x"] } }, { c: null, u: undefined }]);
    expect(readFileSync(p, "utf8")).toBe('{"a":{"y":[1,"x"],"z":0},"b":1}\n{"c":null}\n');
  });

  it("writes nothing for zero rows", async () => {
    const p = join(dir, "empty.jsonl");
    await writeRecords(p, []);
    expect(readFileSync(p, "utf8")).toBe("");
    expect(await collect(readRecords(p))).toEqual([]);
  });

  it("keeps malformed lines as error records and skips blank lines, with line offsets", async () => {
    const p = join(dir, "mixed.ndjson");
    writeFileSync(p, '\uFEFF{"a":1}\r\n\n  \n{"a":\n[1,2]\n"s"\n{"b":2}');
    const records = await collect(readRecords(p));
    expect(records).toEqual([
      { offset: 1, value: { a: 1 } },
      { offset: 4, error: expect.stringMatching(/^invalid JSON: /), raw: '{"a":' },
      { offset: 5, error: "invalid JSON: expected an object on each line, got an array", raw: "[1,2]" },
      { offset: 6, error: "invalid JSON: expected an object on each line, got a string", raw: '"s"' },
      { offset: 7, value: { b: 2 } },
    ]);
  });

  it("reads lines longer than a read chunk and many lines across chunks", async () => {
    const p = join(dir, "big.jsonl");
    const long = "x".repeat(3 << 20);
    const rows = [{ long }, ...Array.from({ length: 50_000 }, (_, i) => ({ i, s: "é✓" + i }))];
    await writeRecords(p, rows);
    const records = await collect(readRecords(p));
    expect(records.length).toBe(rows.length);
    expect(records[0]).toEqual({ offset: 1, value: { long } });
    expect(records[50_000]).toEqual({ offset: 50_001, value: { i: 49_999, s: "é✓49999" } });
  });

  it("re-reads the file on each iteration, and stops cleanly on break", async () => {
    const p = join(dir, "twice.jsonl");
    await writeRecords(p, [{ a: 1 }, { a: 2 }]);
    const it = readRecords(p);
    for await (const r of it) {
      expect(r.offset).toBe(1);
      break;
    }
    expect((await collect(it)).length).toBe(2);
  });

  it("chooses the format by extension and explains an unknown one", () => {
    expect(() => readRecords(join(dir, "x.txt"))).toThrow(/cannot tell the record format.*\.jsonl/);
  });
});
