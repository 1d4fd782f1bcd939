import { describe, expect, it } from "vitest";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { MAX_DEPTH } from "../../src/core/depth.ts";
import { readRecords, writeRecords } from "../../src/io/index.ts";
import { EMPTY_RECORD } from "../../src/io/jsonl.ts";
import { readLineBatches } from "../../src/io/lines.ts";
import { collect, tempDir } from "./tmp.ts";

const dir = tempDir();

describe("JSONL", () => {
  it("writes canonical JSON, one row a line, \\n after the last", async () => {
    const p = join(dir, "nested/deeper/out.jsonl");
    await writeRecords(p, [
      { b: 1, a: { z: -0, y: [1, "x"] } },
      { c: null, u: undefined },
    ]);
    expect(readFileSync(p, "utf8")).toBe('{"a":{"y":[1,"x"],"z":0},"b":1}\n{"c":null}\n');
  });

  it("writes nothing for zero rows", async () => {
    const p = join(dir, "empty.jsonl");
    await writeRecords(p, []);
    expect(readFileSync(p, "utf8")).toBe("");
    expect(await collect(readRecords(p))).toEqual([]);
  });

  it("keeps malformed and blank lines as error records, with line offsets", async () => {
    const p = join(dir, "mixed.ndjson");
    writeFileSync(p, '\uFEFF{"a":1}\r\n\n  \n{"a":\n[1,2]\n"s"\n{"b":2}');
    const records = await collect(readRecords(p));
    expect(records).toEqual([
      { offset: 1, value: { a: 1 } },
      { offset: 2, error: EMPTY_RECORD, raw: "" },
      { offset: 3, error: EMPTY_RECORD, raw: "  " },
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

  it("never decodes invalid UTF-8 lossily: such a line is an error record with its exact bytes", async () => {
    const p = join(dir, "bytes.jsonl");
    // Two lines that a lossy decoder would both read as {"k":"\uFFFD"} (one key), around valid multi-byte text.
    const bad1 = Buffer.from([...Buffer.from('{"k":"'), 0xff, ...Buffer.from('"}')]);
    const bad2 = Buffer.from([...Buffer.from('{"k":"'), 0xc3, ...Buffer.from('"}')]);
    writeFileSync(p, Buffer.concat([Buffer.from('{"k":"é✓"}\n'), bad1, Buffer.from("\r\n"), bad2, Buffer.from('\n{"k":"\u{1F600}"}\n')]));
    const records = await collect(readRecords(p));
    expect(records[0]).toEqual({ offset: 1, value: { k: "é✓" } });
    expect(records[1]).toMatchObject({
      offset: 2,
      error: "invalid UTF-8 (byte 0xFF at byte 7): the record's bytes are kept in rawBase64",
      rawBase64: bad1.toString("base64"),
    });
    expect(records[2]).toMatchObject({
      offset: 3,
      error: "invalid UTF-8 (byte 0xC3 at byte 7): the record's bytes are kept in rawBase64",
      rawBase64: bad2.toString("base64"),
    });
    expect(records[3]).toEqual({ offset: 4, value: { k: "\u{1F600}" } });
  });

  it("keeps a character split across read chunks and a byte-order mark split across them", async () => {
    const text = Buffer.from('\uFEFF{"k":"é✓\u{1F600}"}\n{"k":2}');
    // Every split of the bytes into chunks of one, two and three bytes.
    for (const size of [1, 2, 3]) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < text.length; i += size) chunks.push(text.subarray(i, i + size));
      const lines: unknown[] = [];
      for await (const batch of readLineBatches(Readable.from(chunks))) lines.push(...batch);
      expect(lines).toEqual(['{"k":"é✓\u{1F600}"}', '{"k":2}']);
    }
  });

  it("refuses a number JSON cannot carry and nesting past the limit, keeping the line", async () => {
    const p = join(dir, "limits.jsonl");
    const deep = "[".repeat(5000) + "]".repeat(5000);
    const within = "[".repeat(MAX_DEPTH - 1) + "]".repeat(MAX_DEPTH - 1);
    writeFileSync(p, `{"key":"inf","ts":1e400}\n{"a":[1,{"b":-1e999}]}\n{"key":"deep","x":${deep}}\n{"x":${within}}\n{"ts":1e-400}\n`);
    const records = await collect(readRecords(p));
    expect(records[0]).toEqual({
      offset: 1,
      error: 'invalid JSON: field "ts" is not a finite number (JSON numbers must lie within ±1.8e308)',
      raw: '{"key":"inf","ts":1e400}',
    });
    expect(records[1]).toMatchObject({ offset: 2, error: 'invalid JSON: field "a[1].b" is not a finite number (JSON numbers must lie within ±1.8e308)' });
    expect(records[2]).toEqual({
      offset: 3,
      error: `invalid JSON: nested deeper than ${MAX_DEPTH} levels of arrays and objects (the limit, docs/semantics.md §1)`,
      raw: `{"key":"deep","x":${deep}}`,
    });
    expect(records[3]!.error).toBeUndefined();
    expect(records[4]).toEqual({ offset: 5, value: { ts: 0 } }); // underflow rounds to 0 as IEEE-754 says: not refused
  });
});
