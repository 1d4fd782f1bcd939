/**
 * The catalogue's SQL emitters on a real Flink: random expressions (the
 * shared expression arbitrary) that `compileSql` accepts are evaluated by
 * Flink over literal rows and compared, value for value, with the reference
 * interpreter (`src/expr/interpret.ts`, which does not read the catalogue).
 * Expressions it refuses are skipped: a refusal is never a wrong answer.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { canonicalJson } from "../../../src/core/canonical.ts";
import { ast } from "../../../src/expr/ast.ts";
import type { Expr } from "../../../src/expr/ast.ts";
import { catalogueEntries } from "../../../src/expr/catalogue/index.ts";
import { SQL_TYPES, compileSql, sqlString } from "../../../src/expr/compile-sql.ts";
import type { SqlKind, SqlScope } from "../../../src/expr/compile-sql.ts";
import { evaluate } from "../../../src/expr/interpret.ts";
import { BATCH_SESSION, connectGateway } from "../../../runners/flink/gateway/index.ts";
import type { GatewaySession } from "../../../runners/flink/gateway/index.ts";
import { exprArb } from "../../expr/arbitraries.ts";

/** The fields of the arbitrary's rows, each typed as one SQL column. */
const COLUMNS: readonly (readonly [string, string, SqlKind])[] = [
  ["a", "f0", "number"],
  ["b", "f1", "string"],
  ["c", "f2", "boolean"],
  ["__proto__", "f3", "number"],
];
const scope: SqlScope = {
  column: (field) => {
    const c = COLUMNS.find(([name]) => name === field);
    return c ? { code: c[1], kind: c[2] } : { refused: `no column ${field}` };
  },
};

const NUMBERS = [0, -0, 1, -1, 2, 3, -7, 0.5, -0.5, 1.5, 2.5, -2.5, 0.1, 1e308, -1e308, 4503599627370497, 1e-300, null];
const STRINGS = ["", "a", "A", "abc", " x ", "ß", "é", "😀", "a,b", "x😀y", "O'Neil", null];
const BOOLEANS = [true, false, null];

/** Literal rows: every value of each pool appears, in varied combinations. */
const ROWS: Record<string, unknown>[] = Array.from({ length: 24 }, (_, i) => {
  const row: Record<string, unknown> = {};
  const pick = <T>(pool: readonly T[], k: number): T => pool[(i * k + k) % pool.length]!;
  const values = [pick(NUMBERS, 7), pick(STRINGS, 5), pick(BOOLEANS, 1), pick(NUMBERS, 11)];
  // A null value is a missing field half the time: both read as null (§1).
  COLUMNS.forEach(([name], j) => {
    if (values[j] !== null || i % 2 === 0) Object.defineProperty(row, name, { value: values[j], enumerable: true, writable: true, configurable: true });
  });
  return row;
});

/** The rows as JSON lines of a filesystem table (a VALUES list of typed nulls becomes a union of one source per row). */
const writeRows = (dir: string): void => {
  mkdirSync(dir, { recursive: true });
  const lines = ROWS.map((r, i) => JSON.stringify({ i, ...Object.fromEntries(COLUMNS.map(([name, c]) => [c, Object.hasOwn(r, name) ? r[name] : null])) }));
  writeFileSync(join(dir, "rows.jsonl"), lines.join("\n") + "\n");
};

/** Each catalogue function once, on fields of the kinds it takes. */
const perFunction: Expr[] = catalogueEntries().map(([fn, spec]) => {
  const field = (k: string) => ast.field(k === "number" ? "a" : k === "string" || k === "pattern" ? "b" : k === "boolean" ? "c" : "a");
  const n = Math.max(spec.arity[0], Math.min(spec.arity[1] === -1 ? 3 : spec.arity[1], 2));
  return ast.call(fn, ...Array.from({ length: n }, (_, i) => field(spec.args[Math.min(i, spec.args.length - 1)]!)));
});

const accepted = (exprs: readonly Expr[]): { expr: Expr; sql: string }[] =>
  exprs.flatMap((expr) => {
    const out = compileSql(expr, scope);
    return "refused" in out ? [] : [{ expr, sql: out.sql }];
  });

describe("SQL emitters on Flink equal the reference interpreter", () => {
  let session: GatewaySession;
  const dir = mkdtempSync(join(tmpdir(), "lockstep-flink-expr-"));
  beforeAll(async () => {
    writeRows(join(dir, "rows"));
    session = await connectGateway(inject("flinkGateway")).openSession({ ...BATCH_SESSION });
    const columns = COLUMNS.map(([, c, kind]) => `${c} ${SQL_TYPES[kind]}`).join(", ");
    await session.execute(
      `CREATE TEMPORARY TABLE t (i INT, ${columns}) WITH ('connector' = 'filesystem', 'path' = ${sqlString(join(dir, "rows"))}, 'format' = 'json')`,
    );
  });
  afterAll(async () => {
    await session?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const check = async (cases: readonly { expr: Expr; sql: string }[]): Promise<void> => {
    for (let from = 0; from < cases.length; from += 40) {
      const chunk = cases.slice(from, from + 40);
      const r = await session.execute(`SELECT i, ${chunk.map((c, j) => `${c.sql} AS r${j}`).join(", ")} FROM t`);
      const byRow = new Map(r.rows.map((row) => [row[0] as number, row.slice(1)]));
      expect(byRow.size).toBe(ROWS.length);
      chunk.forEach((c, j) => {
        ROWS.forEach((row, i) => {
          const got = canonicalJson(byRow.get(i)![j] ?? null);
          const want = canonicalJson(evaluate(c.expr, row) ?? null);
          if (got !== want) expect({ expr: c.expr, row, got }).toEqual({ expr: c.expr, row, got: want });
        });
      });
    }
  };

  it("each function of the catalogue that has a SQL form", async () => {
    const cases = accepted(perFunction);
    expect(cases.length).toBeGreaterThan(15);
    await check(cases);
  });

  it("random expressions", async () => {
    const cases = accepted(fc.sample(exprArb, { numRuns: 1500, seed: 15 }));
    expect(cases.length).toBeGreaterThan(100);
    await check(cases);
  });
});
