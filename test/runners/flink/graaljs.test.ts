// Executors bundled by esbuild run inside Flink as GraalJS functions (ls_js, ls_js_flat) with
// the same output as Node running the same code; the bundle is pinned by its SHA-256.
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { buildJsUdfJars, jsUdfRegistrationSql } from "../../../scripts/flink/udfs.ts";
import { BATCH_SESSION, connectGateway, FlinkSqlError, type GatewaySession } from "../../../runners/flink/gateway/index.ts";
import * as executors from "./fixtures/executors.ts";

const url = inject("flinkGateway");

const rows = [
  { id: 1, text: "hello flink world", score: 0.9 },
  { id: 2, text: "low score", score: 0.1 },
  { id: 3, text: "ünïcödé  and   spaces", score: 0.5 },
  { id: 4, text: "boom goes the record", score: 0.7 },
];
const valuesSql = `(VALUES ${rows.map((r) => `(${r.id}, '${r.text.replaceAll("'", "''")}', CAST(${r.score} AS DOUBLE))`).join(", ")}) AS t(id, text, score)`;
const rowJson = "JSON_OBJECT('id' VALUE id, 'text' VALUE text, 'score' VALUE score)";

describe("executors in GraalJS inside Flink", () => {
  const gateway = connectGateway(url);
  let session: GatewaySession;
  let dir: string;
  let bundle: string;
  let sha: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "lockstep-flink-js-"));
    bundle = join(dir, "executors.js");
    await build({
      entryPoints: [join(import.meta.dirname, "fixtures", "executors.ts")],
      bundle: true,
      format: "iife",
      platform: "neutral",
      outfile: bundle,
      logLevel: "silent",
    });
    sha = createHash("sha256").update(readFileSync(bundle)).digest("hex");
    const { jar } = await buildJsUdfJars();
    session = await gateway.openSession({ ...BATCH_SESSION });
    for (const sql of jsUdfRegistrationSql(jar)) await session.execute(sql);
  });
  afterAll(async () => {
    await session?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const call = (fn: string) => `ls_js('${bundle}', '${sha}', '${fn}', ${rowJson})`;

  it("runs a filter/featurize executor row by row, as Node runs it", async () => {
    const r = await session.execute(`SELECT id, ${call("featurize")} AS res FROM ${valuesSql} WHERE id <> 4`);
    const got = r.rows.map(([id, out]) => [id, out === null ? null : JSON.parse(out as string)]).sort((a, b) => (a[0] as number) - (b[0] as number));
    const expected = rows.filter((x) => x.id !== 4).map((x) => [x.id, executors.featurize(x)]);
    expect(got).toEqual(expected);
  });

  it("resolves an async executor within the call", async () => {
    const r = await session.execute(`SELECT id, ${call("featurizeAsync")} AS res FROM ${valuesSql}`);
    const got = new Map(r.rows.map(([id, out]) => [id, JSON.parse(out as string)]));
    for (const x of rows) expect(got.get(x.id)).toEqual(await executors.featurizeAsync(x));
  });

  it("runs a one-to-many executor as a table function", async () => {
    const r = await session.execute(`SELECT w FROM ${valuesSql}, LATERAL TABLE(ls_js_flat('${bundle}', '${sha}', 'words', ${rowJson})) AS f(w)`);
    const got = r.rows.map(([w]) => JSON.parse(w as string)).sort((a, b) => a.id - b.id || a.i - b.i);
    expect(got).toEqual(rows.flatMap((x) => executors.words(x)));
  });

  it("fails the job with the executor's error", async () => {
    const err = await session.execute(`SELECT ${call("picky")} FROM ${valuesSql}`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FlinkSqlError);
    expect((err as FlinkSqlError).cause).toContain("executor picky threw: Error: cannot featurize record 4");
  });

  it("refuses a bundle whose SHA-256 is not the pinned one", async () => {
    const other = join(dir, "tampered.js");
    writeFileSync(other, `${readFileSync(bundle, "utf8")}\nglobalThis.featurize = () => ({ evil: true });\n`);
    const err = await session.execute(`SELECT ls_js('${other}', '${sha}', 'featurize', ${rowJson}) FROM ${valuesSql}`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FlinkSqlError);
    expect((err as FlinkSqlError).cause).toMatch(/has SHA-256 [0-9a-f]{64} but the definition pins [0-9a-f]{64}/);
  });
});
