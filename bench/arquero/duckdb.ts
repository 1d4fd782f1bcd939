/**
 * DuckDB (`@duckdb/node-api`) for the arquero benchmark. It is installed only
 * for the benchmark, in bench/duckdb/ with its own package.json and lock —
 * never a dependency of lockstep — and loaded from there with createRequire,
 * so lockstep's own install, typecheck and tests never need it.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import type { Data } from "./queries.ts";

/** bench/duckdb/, holding DuckDB's package.json, lock and (git-ignored) node_modules. */
export const DUCKDB_DIR = fileURLToPath(new URL("../duckdb/", import.meta.url));

/** Whether DuckDB is installed in {@link DUCKDB_DIR}. */
export const duckdbInstalled = (): boolean => existsSync(`${DUCKDB_DIR}node_modules/@duckdb/node-api`);

/** Installs DuckDB from bench/duckdb's lock file when it is not there yet (`npm ci --prefix bench/duckdb`). */
export const ensureDuckdb = (): void => {
  if (duckdbInstalled()) return;
  console.error(`installing DuckDB for the benchmark: npm ci --prefix ${DUCKDB_DIR}`);
  execFileSync("npm", ["ci", "--prefix", DUCKDB_DIR, "--no-audit", "--no-fund"], { stdio: "inherit" });
};

// The few parts of @duckdb/node-api used here, typed locally: the package is not installed when
// lockstep is typechecked.
interface Appender {
  appendVarchar(v: string): void;
  appendDouble(v: number): void;
  endRow(): void;
  closeSync(): void;
}
interface Connection {
  run(sql: string): Promise<unknown>;
  runAndReadAll(sql: string): Promise<{ getRowObjectsJS(): Record<string, unknown>[] }>;
  createAppender(table: string): Promise<Appender>;
  closeSync(): void;
}
interface Instance {
  connect(): Promise<Connection>;
  closeSync(): void;
}

/** An in-memory DuckDB holding the benchmark's tables `ev` and `items`. */
export interface Duck {
  /** DuckDB's `threads` setting in effect. */
  readonly threads: number;
  /** Runs a query and reads its rows into JavaScript objects (BIGINTs are cast away in the SQL). */
  readonly query: (sql: string) => Promise<Record<string, unknown>[]>;
  readonly close: () => void;
}

/**
 * Opens an in-memory DuckDB with `threads` (default: DuckDB's own, one per
 * core), creates `ev` and `items` and fills them through DuckDB's appender,
 * row by row from the same JavaScript rows the arquero halves read.
 */
export const openDuck = async (data: Data, threads?: number): Promise<Duck> => {
  const { DuckDBInstance } = createRequire(`${DUCKDB_DIR}package.json`)("@duckdb/node-api") as {
    DuckDBInstance: { create(path: string): Promise<Instance> };
  };
  const instance = await DuckDBInstance.create(":memory:");
  const c = await instance.connect();
  if (threads !== undefined) await c.run(`SET threads = ${threads}`);
  // ts as DOUBLE: event times are integers below 2^53, and DOUBLE reads back as a JS number.
  await c.run("CREATE TABLE ev (eventId VARCHAR, userId VARCHAR, itemId VARCHAR, ts DOUBLE, amount DOUBLE)");
  await c.run("CREATE TABLE items (itemId VARCHAR, category VARCHAR, updatedAt DOUBLE)");
  const ev = await c.createAppender("ev");
  for (const e of data.events) {
    ev.appendVarchar(e.eventId);
    ev.appendVarchar(e.userId);
    ev.appendVarchar(e.itemId);
    ev.appendDouble(e.ts);
    ev.appendDouble(e.amount);
    ev.endRow();
  }
  ev.closeSync();
  const it = await c.createAppender("items");
  for (const i of data.items) {
    it.appendVarchar(i.itemId);
    it.appendVarchar(i.category);
    it.appendDouble(i.updatedAt);
    it.endRow();
  }
  it.closeSync();
  const [{ threads: th }] = (await c.runAndReadAll("SELECT current_setting('threads')::INTEGER AS threads")).getRowObjectsJS();
  return {
    threads: th as number,
    query: async (sql) => (await c.runAndReadAll(sql)).getRowObjectsJS(),
    close: () => {
      c.closeSync();
      instance.closeSync();
    },
  };
};
