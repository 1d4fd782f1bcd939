import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as aq from "arquero";
import { tableFromIPC } from "@uwdata/flechette";
import { parquetWriteBuffer } from "hyparquet-writer";
import { canonicalJson } from "../../src/core/canonical.ts";
import { coerceCsvRow, readRecords, writeRecords } from "../../src/io/index.ts";
import type { Format } from "../../src/io/index.ts";
import type { SchemaJson } from "../../src/schema/index.ts";
import { collect, tempDir } from "./tmp.ts";

const dir = tempDir();

const rows = [
  { id: 1, name: "ann", score: 1.5, ok: true, tags: ["a", "b"], meta: { z: 1, a: null }, mixed: 1 },
  { id: 2, name: 'b,"o"\nb', score: -2, ok: false, tags: [], meta: {}, mixed: "two" },
  { id: 3, name: "", score: null, ok: null, tags: ["c"], meta: { k: [1] }, mixed: null },
];

const schema: SchemaJson = {
  type: "object",
  properties: {
    id: { type: "integer" },
    name: { type: "string" },
    score: { anyOf: [{ type: "number" }, { type: "null" }] },
    ok: { anyOf: [{ type: "boolean" }, { type: "null" }] },
    tags: { type: "array", items: { type: "string" } },
    meta: { type: "record", values: { type: "unknown" } },
    mixed: { anyOf: [{ type: "number" }, { type: "string" }, { type: "null" }] },
  },
  required: ["id", "name", "score", "ok", "tags", "meta", "mixed"],
};

describe("write then read, every format", () => {
  for (const format of ["jsonl", "csv", "arrow", "parquet"] as const) {
    it(format, async () => {
      const p = join(dir, `rows.${format}`);
      await writeRecords(p, rows);
      const back = await collect(readRecords(p, { schema }));
      const values = back.map((r) => r.value);
      // CSV strings come back typed through the schema.
      expect(values.map(canonicalJson)).toEqual(rows.map(canonicalJson));
      expect(back.map((r) => r.offset)).toEqual(format === "csv" ? [2, 3, 5] : [1, 2, 3]);
    });
  }

  it("honours an explicit format over the extension, for both directions", async () => {
    const p = join(dir, "rows.data");
    await writeRecords(p, rows, { format: "parquet" });
    expect(readFileSync(p).subarray(0, 4).toString()).toBe("PAR1");
    expect((await collect(readRecords(p, { format: "parquet" }))).length).toBe(3);
  });

  it("writes zero rows in every format", async () => {
    for (const format of ["jsonl", "csv", "arrow", "parquet"] as Format[]) {
      const p = join(dir, `empty.${format}`);
      await writeRecords(p, []);
      expect(await collect(readRecords(p))).toEqual([]);
    }
  });

  it("columnar formats read an absent key as null", async () => {
    for (const format of ["arrow", "parquet"] as Format[]) {
      const p = join(dir, `sparse.${format}`);
      await writeRecords(p, [{ a: 1 }, { b: "x" }]);
      expect((await collect(readRecords(p))).map((r) => r.value)).toEqual([
        { a: 1, b: null },
        { a: null, b: "x" },
      ]);
    }
  });

  it("columnar formats keep random JSON objects (nulls for absent keys)", async () => {
    const row = fc.dictionary(fc.string({ maxLength: 4 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 });
    let i = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(row, { maxLength: 6 }), fc.constantFrom<Format>("arrow", "parquet", "jsonl"), async (rs, format) => {
        const p = join(dir, `prop${i++}.${format}`);
        if (format !== "jsonl" && rs.length > 0 && rs.every((r) => Object.keys(r).length === 0)) {
          await expect(writeRecords(p, rs)).rejects.toThrow(/cannot hold rows without columns/);
          return;
        }
        await writeRecords(p, rs);
        const back = (await collect(readRecords(p))).map((r) => r.value);
        const keys = [...new Set(rs.flatMap((r) => Object.keys(r)))];
        const expected = format === "jsonl" ? rs : rs.map((r) => Object.fromEntries(keys.map((k) => [k, r[k] ?? null])));
        expect(back.map(canonicalJson)).toEqual(expected.map(canonicalJson));
      }),
      { numRuns: 60 },
    );
  });
});

describe("Arrow", () => {
  it("types columns and tags JSON columns with the arrow.json extension", async () => {
    const p = join(dir, "typed.arrow");
    await writeRecords(p, rows);
    const table = tableFromIPC(readFileSync(p));
    const types = Object.fromEntries(table.schema.fields.map((f) => [f.name, [f.type.typeId, f.metadata?.get("ARROW:extension:name") ?? null]]));
    // flechette type ids: 2 int, 3 float, 5 utf8, 6 bool
    expect(types).toEqual({
      id: [2, null],
      meta: [5, "arrow.json"],
      mixed: [5, "arrow.json"],
      name: [5, null],
      ok: [6, null],
      score: [3, null],
      tags: [5, "arrow.json"],
    });
  });

  it("reads files other tools wrote (arquero), with int64 beyond 2^53 as a string", async () => {
    const p = join(dir, "arquero.arrow");
    const table = aq.table({ n: [1, 2], s: ["x", null], big: [2n ** 60n + 1n, 5n], when: [new Date(Date.UTC(2024, 0, 2)), null] });
    writeFileSync(p, table.toArrowIPC({ format: "file" }));
    expect((await collect(readRecords(p))).map((r) => r.value)).toEqual([
      { n: 1, s: "x", big: "1152921504606846977", when: "2024-01-02T00:00:00.000Z" },
      { n: 2, s: null, big: 5, when: null },
    ]);
  });
});

describe("Parquet", () => {
  it("reads files other tools wrote, with INT64 beyond 2^53 as a string", async () => {
    const p = join(dir, "other.parquet");
    const buffer = parquetWriteBuffer({
      columnData: [
        { name: "big", data: [2n ** 60n + 1n, 7n], type: "INT64" },
        { name: "at", data: [new Date(Date.UTC(2024, 0, 2)), null], type: "TIMESTAMP" },
        { name: "j", data: [{ a: 1 }, null], type: "JSON" },
      ],
    });
    writeFileSync(p, new Uint8Array(buffer));
    expect((await collect(readRecords(p))).map((r) => r.value)).toEqual([
      { big: "1152921504606846977", at: "2024-01-02T00:00:00.000Z", j: { a: 1 } },
      { big: 7, at: null, j: null },
    ]);
  });

  it("numbers rows across row groups", async () => {
    const p = join(dir, "many.parquet");
    const many = Array.from({ length: 2500 }, (_, i) => ({ i }));
    await writeRecords(p, many);
    const back = await collect(readRecords(p));
    expect(back.length).toBe(2500);
    expect(back[2499]).toEqual({ offset: 2500, value: { i: 2499 } });
  });
});

describe("CSV needs the schema for types", () => {
  it("reads strings without one; coerceCsvRow converts them", async () => {
    const p = join(dir, "plain.csv");
    await writeRecords(p, rows.slice(0, 1));
    const [r] = await collect(readRecords(p));
    expect(r!.value).toEqual({ id: "1", meta: '{"a":null,"z":1}', mixed: "1", name: "ann", ok: "true", score: "1.5", tags: '["a","b"]' });
    expect(coerceCsvRow(r!.value as Record<string, string | null>, schema)).toEqual(rows[0]);
  });
});
