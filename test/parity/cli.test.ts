/**
 * `lockstep parity` and `lockstep diff` on the command line: output and exit
 * codes (0 parity / identical, 1 difference, 2 usage).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, repo, spawnCli, tempDir, writeJsonl } from "../cli/helpers.ts";

const dir = tempDir();
const wordcount = repo("examples/wordcount.ts");
const impure = repo("test/parity/fixtures/impure.ts");

describe("lockstep parity", () => {
  it.each([
    [["parity", "--help"], "Usage: lockstep parity [options] <pipeline>"],
    [["diff", "--help"], "Usage: lockstep diff [options] <a> <b>"],
  ])("%j prints its usage with exit 0", async (args, usage) => {
    const r = await cli(...args);
    expect(r).toMatchObject({ code: 0, err: "" });
    expect(r.out).toContain(usage);
  });

  it("exit 0 on parity, with the seed and what the histories exercised", async () => {
    const r = await cli("parity", wordcount, "--runners", "direct,arquero,direct-reordered", "--runs", "25", "--seed", "9", "-q");
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(
      /^parity: direct = arquero = direct-reordered on 25 histories \(seed 9, [\d.]+ s\); \d+ records, \d+ output rows, 0 late, \d+ dead letters\n$/,
    );
    expect(r.err).toBe("");
  });

  it("takes --param and prints progress on stderr unless -q", async () => {
    const r = await cli(
      "parity",
      repo("examples/window-count.ts"),
      "--param",
      "window=sliding:10s/5s",
      "--runners",
      "direct,arquero",
      "--runs",
      "60",
      "--seed",
      "1",
    );
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain("lockstep: parity: 50 runs");
  });

  it("exit 1 with the shrunk counterexample, and the command that replays it", async () => {
    const out = join(dir, "counterexample");
    const r = await cli("parity", impure, "--runners", "direct,direct-reordered", "--runs", "20", "--seed", "4", "-q", "--out-dir", out);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^parity FAILED: direct ≠ direct-reordered — seed 4, path \S+; smallest input: 1 record/);
    expect(r.out).toMatch(/sink "numbered" \(rows without output key\): 1 missing, 1 extra, 0 different on direct-reordered/);
    expect(r.out).toMatch(/events \(source, key user\):\n\s+1 {2}\{"user":/);
    const path = /path (\S+);/.exec(r.out)![1]!;
    expect(r.out).toContain(`lockstep parity ${impure} --runners direct,direct-reordered --seed 4 --path ${path}`);
    expect(r.out).toContain(`counterexample written to ${out}`);
    expect(readFileSync(join(out, "events.jsonl"), "utf8").trim().split("\n")).toHaveLength(1);
    expect(existsSync(join(out, "report.txt"))).toBe(true);
    // The replay finds the same smallest input.
    const again = await cli("parity", impure, "--runners", "direct,direct-reordered", "--seed", "4", "--path", path, "-q");
    expect(again.code).toBe(1);
    expect(again.out).toContain("smallest input: 1 record");
  });

  it("--json prints the report as data", async () => {
    const r = await cli("parity", impure, "--runners", "direct,direct-reordered", "--runs", "5", "--seed", "2", "--json");
    expect(r.code).toBe(1);
    const report = JSON.parse(r.out) as { ok: boolean; seed: number; counterexample: { inputs: { events: unknown[] } }; diffs: unknown[] };
    expect(report.ok).toBe(false);
    expect(report.seed).toBe(2);
    expect(report.counterexample.inputs.events).toHaveLength(1);
  });

  it.each([
    [["--runners", "direct,spark"], /unknown runner "spark"/],
    [["--runners", "direct"], /at least two runners/],
    [["--runs", "0"], /--runs 0: expected a whole number ≥ 1/],
    [["--seed", "x"], /--seed x: expected a 32-bit whole number/],
    [["--path", "1:2"], /--path replays a counterexample of one seed/],
    [["--param", "nope=1"], /has no parameter "nope"/],
  ])("exit 2 on usage errors: %j", async (args, message) => {
    const r = await cli("parity", wordcount, ...args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.out).toBe("");
  });

  it("exit 2 for a definition that is not a pipeline", async () => {
    const r = await cli("parity", join(dir, "nope.ts"));
    expect(r.code).toBe(2);
  });

  it("runs from the installed binary too", () => {
    const r = spawnCli(["parity", "examples/wordcount.ts", "--runners", "direct,arquero", "--runs", "5", "--seed", "1", "-q"]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^parity: direct = arquero on 5 histories/);
  });
});

describe("lockstep diff", () => {
  const legacy = writeJsonl(join(dir, "legacy.jsonl"), [
    { user: "a", n: 1, seq: ["x", "y", "z"] },
    { user: "b", n: 2, seq: ["x"] },
    { user: "c", n: 3, seq: [] },
    { user: "d", n: 4, seq: ["q"] },
  ]);
  const shadow = writeJsonl(join(dir, "shadow.jsonl"), [
    { user: "a", n: 1, seq: ["x", "z"] },
    { user: "b", n: 2, seq: ["x"] },
    { user: "c", n: 30, seq: [] },
    { user: "e", n: 5, seq: [] },
  ]);

  it("exit 0 when identical", async () => {
    const r = await cli("diff", legacy, legacy, "--key", "user");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^IDENTICAL: .* \(4 rows\) vs .* \(4 rows\), key user\n/);
    expect(r.out).toContain("matching:    4 (100%)");
  });

  it("exit 1 with counts, field mismatch rates and the edit distances of sequence fields", async () => {
    const r = await cli("diff", legacy, shadow, "--key", "user");
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^DIFFERENT: /);
    expect(r.out).toContain("keys:        5 total, 4 in");
    expect(r.out).toContain("matching:    1 (20.00%)");
    expect(r.out).toMatch(/missing: {5}1 \(only in .*legacy.jsonl\)/);
    expect(r.out).toMatch(/extra: {7}1 \(only in .*shadow.jsonl\)/);
    expect(r.out).toContain("mismatched:  2");
    expect(r.out).toMatch(/n {3}\s+1 \/ 3\s+33\.33%/);
    expect(r.out).toMatch(/seq\s+1 \/ 3\s+33\.33%/);
    expect(r.out).toContain("seq: mean 0.33, p50 0, p90 1, p99 1, max 1");
    expect(r.out).toContain("0: 2  1: 1  2: 0  3-5: 0  6-10: 0  >10: 0");
    expect(r.out).toContain('{"user":"c"}');
  });

  it("without --key, rows are matched whole", async () => {
    const r = await cli("diff", legacy, shadow);
    expect(r.code).toBe(1);
    expect(r.out).toContain("rows matched by whole content (no --key)");
    expect(r.out).toContain("matching:    1");
    expect(r.out).toContain("missing:     3");
  });

  it("--json prints the report as data", async () => {
    const r = await cli("diff", legacy, shadow, "--key", "user", "--json");
    expect(r.code).toBe(1);
    const rep = JSON.parse(r.out) as { matching: number; missing: number; extra: number; mismatched: number; identical: boolean };
    expect([rep.matching, rep.missing, rep.extra, rep.mismatched, rep.identical]).toEqual([1, 1, 1, 2, false]);
  });

  it("exit 2 on unreadable files and lines that are not JSON objects", async () => {
    const bad = join(dir, "bad.jsonl");
    writeJsonl(bad, [{ user: "a" }, "not json"]);
    const missing = await cli("diff", legacy, join(dir, "none.jsonl"));
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/cannot be read \(ENOENT\)/);
    const broken = await cli("diff", legacy, bad, "--key", "user");
    expect(broken.code).toBe(2);
    expect(broken.err).toMatch(/bad\.jsonl:2: invalid JSON/);
    const noKey = await cli("diff", legacy, legacy, "--key", ",");
    expect(noKey.code).toBe(2);
  });
});
