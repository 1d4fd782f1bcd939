// The SQL Gateway client against a real gateway (test/flink-global-setup.ts: a local JobManager,
// TaskManager and SQL Gateway, or FLINK_GATEWAY).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { freePorts } from "../../../scripts/jvm/ports.ts";
import { BATCH_SESSION, connectGateway, FlinkGatewayError, FlinkSqlError, type GatewaySession } from "../../../runners/flink/gateway/index.ts";

const url = inject("flinkGateway");

/** `(VALUES (0), (1), …, (n-1))`: SQL literal rows, so the test needs no connector. */
const digits = (n: number) => `(VALUES ${Array.from({ length: n }, (_, i) => `(${i})`).join(", ")})`;

describe("Flink SQL Gateway client", () => {
  const gateway = connectGateway(url);
  let session: GatewaySession;
  const dirs: string[] = [];

  beforeAll(async () => {
    session = await gateway.openSession({ ...BATCH_SESSION });
  });
  afterAll(async () => {
    await session?.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("says what it is", async () => {
    const info = await gateway.info();
    expect(info.productName).toBe("Apache Flink");
    expect(info.version).toMatch(/^\d+\.\d+/);
  });

  it("fetches a batch query's rows over several pages until the end of the stream", async () => {
    // 30 × 30 × 30 = 27 000 distinct numbers 0 … 26 999: the gateway hands out a few thousand rows a page.
    const n = 30;
    const sql = `SELECT a.x * ${n * n} + b.x * ${n} + c.x AS v, CAST(a.x AS DOUBLE) / 4 AS q FROM ${digits(n)} AS a(x), ${digits(n)} AS b(x), ${digits(n)} AS c(x)`;
    const r = await session.execute(sql);
    expect(r.columns).toEqual([
      { name: "v", type: "INTEGER NOT NULL" },
      { name: "q", type: "DOUBLE NOT NULL" },
    ]);
    expect(r.rows).toHaveLength(n ** 3);
    expect(r.pages).toBeGreaterThan(1);
    expect(r.jobId).toMatch(/^[0-9a-f]{32}$/);
    expect(new Set(r.kinds)).toEqual(new Set(["INSERT"]));
    const values = r.rows.map((row) => row[0] as number).sort((a, b) => a - b);
    expect(values).toEqual(Array.from({ length: n ** 3 }, (_, i) => i));
    for (const [v, q] of r.rows as [number, number][]) expect(q).toBe(Math.floor(v / (n * n)) / 4);
  });

  it("runs an INSERT into a filesystem JSON table to completion (table.dml-sync) and leaves its part files", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lockstep-flink-sink-"));
    dirs.push(dir);
    await session.execute(
      `CREATE TEMPORARY TABLE sink_json (k STRING, n BIGINT, x DOUBLE) WITH ('connector' = 'filesystem', 'path' = 'file://${dir}', 'format' = 'json')`,
    );
    const r = await session.execute(
      `INSERT INTO sink_json SELECT k, COUNT(*) AS n, SUM(CAST(v AS DOUBLE)) AS x FROM (VALUES ('a', 1), ('b', 2), ('a', 3), ('c', 4), ('b', 5)) AS t(k, v) GROUP BY k`,
    );
    expect(r.jobId).toMatch(/^[0-9a-f]{32}$/);
    // Finished part files only: in-progress ones are hidden (".part-…").
    const files = readdirSync(dir).filter((f) => !f.startsWith("."));
    expect(files.length).toBeGreaterThan(0);
    const rows = files
      .flatMap((f) => readFileSync(join(dir, f), "utf8").split("\n"))
      .filter((l) => l.trim() !== "")
      .map((l) => JSON.parse(l) as { k: string; n: number; x: number })
      .sort((a, b) => a.k.localeCompare(b.k));
    expect(rows).toEqual([
      { k: "a", n: 2, x: 4 },
      { k: "b", n: 2, x: 7 },
      { k: "c", n: 1, x: 4 },
    ]);
  });

  it("reports a statement Flink refuses as FlinkSqlError naming the real problem", async () => {
    const err = await session.execute("SELECT nope FROM nowhere").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FlinkSqlError);
    const e = err as FlinkSqlError;
    expect(e.statement).toBe("SELECT nope FROM nowhere");
    expect(e.cause).toContain("Object 'nowhere' not found");
    expect(e.message).toContain("Object 'nowhere' not found");
    // The session survives a refused statement.
    expect((await session.execute("SELECT 1 + 1 AS two")).rows).toEqual([[2]]);
  });

  it("reports a job that fails on a bad record with the record's error as the cause", async () => {
    const err = await session.execute("SELECT CAST(s AS INT) AS i FROM (VALUES ('1'), ('x')) AS t(s)").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FlinkSqlError);
    expect((err as FlinkSqlError).cause).toMatch(/NumberFormatException.*'x'/);
  });

  it("closes a session: the gateway forgets it and the client refuses further statements", async () => {
    const s = await gateway.openSession({ ...BATCH_SESSION });
    expect((await s.execute("SELECT 'ok' AS s")).rows).toEqual([["ok"]]);
    await s.close();
    await s.close(); // idempotent
    await expect(s.execute("SELECT 1")).rejects.toBeInstanceOf(FlinkGatewayError);
    const res = await fetch(new URL(`/v2/sessions/${s.handle}/config`, url));
    expect(res.status).not.toBe(200);
    expect(await res.text()).toContain(s.handle);
  });

  it("says clearly that a gateway is down", async () => {
    const [port] = await freePorts(1);
    const down = connectGateway(`http://127.0.0.1:${port}`);
    const err = await down.info().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FlinkGatewayError);
    expect((err as Error).message).toMatch(/cannot reach the Flink SQL Gateway at http:\/\/127\.0\.0\.1:\d+.*ECONNREFUSED/);
    expect(() => connectGateway("localhost:8083")).toThrow(/not a Flink SQL Gateway URL/);
  });
});
