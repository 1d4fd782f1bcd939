/** Running the CLI in-process and as a child process, with temporary files. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { main } from "../../src/cli/main.ts";

/** The repository root (the CLI resolves example paths from here). */
export const root = join(import.meta.dirname, "../..");

/** A path under the repository root. */
export const repo = (p: string): string => join(root, p);

/** A fresh directory under os.tmpdir(), removed after the file's tests. */
export const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), "lockstep-cli-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
};

/** What a CLI invocation printed and returned. */
export interface CliResult {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Runs `main(args)` in this process, capturing what it prints through `io`. */
export const cli = async (...args: string[]): Promise<CliResult> => {
  let out = "";
  let err = "";
  const code = await main(args, { out: (s) => void (out += s), err: (s) => void (err += s) });
  return { code, out, err };
};

/**
 * The command line that runs the CLI from the sources: tsx for lockstep's own
 * `.ts` files, and tsconfig.json's `paths`, so `import "lockstep"` in an
 * example is the code under test (the published, compiled bin is tested by
 * test/package/consumer.test.ts).
 */
export const SOURCE_BIN = ["--import", "tsx", repo("src/cli/bin.ts")];

/** Runs the CLI (`lockstep args`) in a child process as a user would, with `input` on stdin. */
export const spawnCli = (args: readonly string[], input = ""): CliResult => {
  const r = spawnSync(process.execPath, [...SOURCE_BIN, ...args], { cwd: root, input, encoding: "utf8", timeout: 60_000 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
};

/** Writes JSONL (one JSON text per row; strings are written as given, for malformed lines). */
export const writeJsonl = (path: string, rows: readonly unknown[]): string => {
  writeFileSync(path, rows.map((r) => (typeof r === "string" ? r : JSON.stringify(r))).join("\n") + "\n");
  return path;
};

/** The rows of a JSONL file. */
export const readJsonl = (path: string): unknown[] => jsonlRows(readFileSync(path, "utf8"));

/** The rows of JSONL text. */
export const jsonlRows = (text: string): unknown[] =>
  text
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l));
