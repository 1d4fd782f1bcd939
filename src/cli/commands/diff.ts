/**
 * `lockstep diff <a.jsonl> <b.jsonl> [--key field,…]`: the consistency
 * report between two final views (see `src/parity/diff.ts`). Exit 0 when
 * identical, 1 when they differ, 2 on usage errors (unreadable file, a line
 * that is not a JSON object).
 *
 * @module
 */
import { DefinitionError } from "../../core/errors.ts";
import { CommandExit } from "../options.ts";
import type { RegisterCommand } from "./command.ts";
import { UsageError } from "../usage-error.ts";

/** Every row of a record file; a malformed record is a usage error naming its line. */
const readView = async (path: string): Promise<unknown[]> => {
  const { formatOf } = await import("../../io/format.ts");
  const { readRecords } = await import("../../io/read.ts");
  const { access, constants } = await import("node:fs/promises");
  try {
    formatOf(path);
  } catch (e) {
    if (!(e instanceof DefinitionError)) throw e;
    throw new UsageError(`${path}: cannot tell the record format from the file name. Fix: end it in .jsonl, .csv, .arrow or .parquet`);
  }
  if (path !== "-") {
    try {
      await access(path, constants.R_OK);
    } catch (e) {
      throw new UsageError(`${path}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}). Fix: check the path`);
    }
  }
  const rows: unknown[] = [];
  for await (const r of readRecords(path)) {
    if (r.error !== undefined)
      throw new UsageError(`${path}:${r.offset}: ${r.error}. Fix: each line must be one JSON object (a final view as lockstep run --out writes it)`);
    rows.push(r.value);
  }
  return rows;
};

/** Adds `diff` to the command tree. */
export const registerDiff: RegisterCommand = (cmd, io) => {
  cmd
    .command("diff")
    .description("consistency report between two final views: matching, missing, extra and mismatched keys, per-field mismatch rates, sequence edit distances")
    .argument("<a>", "the baseline view (JSONL; .csv, .arrow, .parquet by extension)")
    .argument("<b>", "the view compared with it")
    .option("--key <fields>", "fields identifying a row, comma-separated (default: whole rows)")
    .option(
      "--examples <n>",
      "example keys shown per category",
      (v: string) => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 0) throw new UsageError(`--examples ${v}: expected a whole number ≥ 0. Fix: e.g. --examples 5`);
        return n;
      },
      5,
    )
    .option("--json", "print the report as JSON")
    .action(async (a: string, b: string, o) => {
      if (a === "-" && b === "-") throw new UsageError("both views read stdin. Fix: read at most one of them from stdin (-)");
      const key =
        o.key === undefined
          ? undefined
          : String(o.key)
              .split(",")
              .map((k) => k.trim())
              .filter(Boolean);
      if (key !== undefined && key.length === 0) throw new UsageError("--key names no field. Fix: e.g. --key userId or --key userId,windowStart");
      const { diffViews, formatConsistency } = await import("../../parity/diff.ts");
      const [va, vb] = [await readView(a), await readView(b)];
      const report = diffViews(va, vb, { ...(key ? { key } : {}), examples: o.examples });
      io.out(o.json ? JSON.stringify(report, null, 2) + "\n" : formatConsistency(report, { a, b }));
      if (!report.identical) throw new CommandExit(1);
    });
};
