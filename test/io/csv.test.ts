import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { RunError } from "../../src/core/errors.ts";
import { coerceCsvRow, csvField, parseCsvRecord, readRecords, writeRecords } from "../../src/io/index.ts";
import { EMPTY_RECORD } from "../../src/io/jsonl.ts";
import type { SchemaJson } from "../../src/schema/index.ts";
import { collect, tempDir } from "./tmp.ts";

const dir = tempDir();
let n = 0;
const file = (text: string): string => {
  const p = join(dir, `in${n++}.csv`);
  writeFileSync(p, text);
  return p;
};

describe("parseCsvRecord", () => {
  it("handles quotes, escaped quotes, commas and empty vs quoted-empty fields", () => {
    expect(parseCsvRecord('a,"b,c","say ""hi""",,""')).toEqual({ fields: ["a", "b,c", 'say "hi"', null, ""] });
    expect(parseCsvRecord("x,")).toEqual({ fields: ["x", null] });
    expect(parseCsvRecord(",")).toEqual({ fields: [null, null] });
    expect(parseCsvRecord('""""')).toEqual({ fields: ['"'] });
    expect(parseCsvRecord(" a , b ")).toEqual({ fields: [" a ", " b "] });
  });

  it("reports an open quoted field, and malformed quoting with a fix", () => {
    expect(parseCsvRecord('a,"b\nc')).toEqual({ open: true });
    expect(parseCsvRecord('a,"b"x')).toEqual({ error: expect.stringContaining('unexpected "x" after the closing quote of field 2') });
    expect(parseCsvRecord('a,b"c')).toEqual({ error: expect.stringContaining("a quote inside unquoted field 2; put the whole field in quotes") });
  });
});

describe("reading CSV", () => {
  it("reads quoted newlines (LF and CRLF kept inside), CRLF line ends, with start-line offsets", async () => {
    const p = file('id,text\r\n1,"line one\r\nline two"\r\n2,"a\nb\n""c"""\r\n3,plain\r\n');
    expect(await collect(readRecords(p))).toEqual([
      { offset: 2, value: { id: "1", text: "line one\r\nline two" } },
      { offset: 4, value: { id: "2", text: 'a\nb\n"c"' } },
      { offset: 7, value: { id: "3", text: "plain" } },
    ]);
  });

  it("keeps malformed records as error records and carries on", async () => {
    const p = file('a,b\n1,2\n1,2,3\n\n4,x"y\n5,6\n7,"open\nstill open');
    expect(await collect(readRecords(p))).toEqual([
      { offset: 2, value: { a: "1", b: "2" } },
      { offset: 3, error: "invalid CSV: expected 2 fields as in the header, got 3", raw: "1,2,3" },
      { offset: 4, error: EMPTY_RECORD, raw: "" },
      { offset: 5, error: expect.stringContaining("invalid CSV: a quote inside unquoted field 2"), raw: '4,x"y' },
      { offset: 6, value: { a: "5", b: "6" } },
      { offset: 7, error: expect.stringContaining("quoted field is still open at the end"), raw: '7,"open\nstill open' },
    ]);
  });

  it("keeps a line that is not UTF-8 as an error record with its bytes, never lossily decoded", async () => {
    const p = file("");
    writeFileSync(p, Buffer.concat([Buffer.from("a,b\n1,"), Buffer.from([0xe9]), Buffer.from('\r\n2,"x\ny'), Buffer.from([0xff]), Buffer.from('"\n3,4\n')]));
    const records = await collect(readRecords(p));
    expect(records).toEqual([
      {
        offset: 2,
        error: "invalid UTF-8 (byte 0xE9 at byte 3): the record's bytes are kept in rawBase64",
        raw: "1,\uFFFD",
        rawBase64: Buffer.from([0x31, 0x2c, 0xe9]).toString("base64"),
      },
      {
        offset: 3,
        error: "invalid UTF-8 (byte 0xFF at byte 7): the record's bytes are kept in rawBase64",
        raw: '2,"x\ny\uFFFD"',
        rawBase64: Buffer.concat([Buffer.from('2,"x\ny'), Buffer.from([0xff]), Buffer.from('"')]).toString("base64"),
      },
      { offset: 5, value: { a: "3", b: "4" } },
    ]);
  });

  it("keeps 1e400 a string for a number field (no JSON number can carry it)", () => {
    const schema: SchemaJson = { type: "object", properties: { n: { type: "number" } }, required: ["n"] };
    expect(coerceCsvRow({ n: "1e400" }, schema)).toEqual({ n: "1e400" });
    expect(coerceCsvRow({ n: "1e300" }, schema)).toEqual({ n: 1e300 });
  });

  it("rejects a header that repeats a column", async () => {
    await expect(collect(readRecords(file("a,b,a\n1,2,3\n")))).rejects.toThrow(RunError);
    await expect(collect(readRecords(file("a,b,a\n1,2,3\n")))).rejects.toThrow(/repeats the column "a". Fix/);
  });

  it("reads an empty line as null in a one-column file", async () => {
    expect(await collect(readRecords(file('v\nx\n\n""\n')))).toEqual([
      { offset: 2, value: { v: "x" } },
      { offset: 3, value: { v: null } },
      { offset: 4, value: { v: "" } },
    ]);
  });

  it("coerces with a schema passed to readRecords", async () => {
    const schema: SchemaJson = { type: "object", properties: { n: { type: "number" }, ok: { type: "boolean" } }, required: ["n", "ok"] };
    expect(await collect(readRecords(file("n,ok\n1.5,true\nx,1\n"), { schema }))).toEqual([
      { offset: 2, value: { n: 1.5, ok: true } },
      { offset: 3, value: { n: "x", ok: "1" } },
    ]);
  });
});

describe("writing CSV", () => {
  it('writes a sorted header, RFC 4180 quoting, empty for null and "" for the empty string', async () => {
    const p = join(dir, "out.csv");
    await writeRecords(p, [
      { b: 'say "hi"', a: 1, c: { y: 1, x: [true] } },
      { a: null, b: "", d: "a,b\nc" },
    ]);
    expect(readFileSync(p, "utf8")).toBe('a,b,c,d\n1,"say ""hi""","{""x"":[true],""y"":1}",\n,"",,"a,b\nc"\n');
  });

  it("quotes only when needed", () => {
    expect(csvField("plain text")).toBe("plain text");
    expect(csvField("")).toBe('""');
    expect(csvField("a\rb")).toBe('"a\rb"');
  });

  it("refuses rows that are not objects, saying what to do", async () => {
    await expect(writeRecords(join(dir, "bad.csv"), [{ a: 1 }, [1, 2]])).rejects.toThrow(
      /row 2 is an array, not an object.*Fix: write objects, or write JSONL/,
    );
  });

  it("round-trips any strings and nulls exactly", async () => {
    const text = fc.string({ unit: fc.constantFrom("a", "é", ",", '"', "\n", "\r", " ", "\uFEFF"), maxLength: 6 });
    const rows = fc.uniqueArray(text, { minLength: 1, maxLength: 4 }).chain((keys) =>
      fc.array(
        fc.tuple(...keys.map((k) => fc.option(text).map((v): [string, string | null] => [k, v]))).map((e) => Object.fromEntries(e)),
        {
          minLength: 1,
          maxLength: 5,
        },
      ),
    );
    let i = 0;
    await fc.assert(
      fc.asyncProperty(rows, async (rs) => {
        const p = join(dir, `prop${i++}.csv`);
        await writeRecords(p, rs);
        const back = await collect(readRecords(p));
        expect(back.map((r) => r.value)).toEqual(rs);
      }),
      { numRuns: 150 },
    );
  });
});

describe("coerceCsvRow", () => {
  const schema: SchemaJson = {
    allOf: [
      {
        type: "object",
        properties: {
          id: { type: "integer" },
          score: { type: "number" },
          ok: { type: "boolean" },
          name: { type: "string" },
          zip: { anyOf: [{ type: "string" }, { type: "number" }] },
          tags: { type: "array", items: { type: "string" } },
          meta: { type: "record", values: { type: "unknown" } },
          gone: { type: "null" },
        },
        required: ["id", "score", "ok", "name", "zip", "tags", "meta", "gone"],
      },
      { type: "object", properties: { note: { type: "string" }, level: { anyOf: [{ const: 1 }, { const: "high" }] } }, required: [] },
    ],
  };

  it("converts what the schema asks for and leaves the rest as strings", () => {
    expect(
      coerceCsvRow(
        {
          id: "42",
          score: "-1.5e3",
          ok: "false",
          name: "007",
          zip: "02134",
          tags: '["a","b"]',
          meta: '{"k":1}',
          gone: null,
          note: null,
          level: "1",
          extra: "9",
        },
        schema,
      ),
    ).toEqual({ id: 42, score: -1500, ok: false, name: "007", zip: "02134", tags: ["a", "b"], meta: { k: 1 }, gone: null, level: 1, extra: "9" });
  });

  it("leaves values it cannot convert, so decoding explains them", () => {
    expect(coerceCsvRow({ id: "4.5", score: "1,5", ok: "yes", tags: "[oops", name: null }, schema)).toEqual({
      id: "4.5",
      score: "1,5",
      ok: "yes",
      tags: "[oops",
      name: null,
    });
  });

  it("returns a copy without a schema", () => {
    const row = { a: "1" };
    expect(coerceCsvRow(row)).toEqual(row);
    expect(coerceCsvRow(row)).not.toBe(row);
  });
});

describe("writing columns named like Object.prototype members", () => {
  it("a row lacking the field gets an empty cell (null), not Object.prototype's member", async () => {
    const p = file("");
    await writeRecords(p, [{ constructor: "a", toString: 1 }, { b: 2 }]);
    expect(readFileSync(p, "utf8")).toBe("b,constructor,toString\n,a,1\n2,,\n");
  });
});
