/**
 * `lockstep run --workers N`: the files written are the bytes written without it — on worker threads
 * for a pipeline that needs no exchange, on one thread (saying why) otherwise.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, spawnCli, tempDir, writeJsonl } from "./helpers.ts";

const dir = tempDir();
// Rows for the fixture whose executor refuses n = 3 (test/cli/fixtures/throws.ts): it runs an executor
// the worker threads must load from the pipeline module (or --executors) themselves.
const rows = writeJsonl(join(dir, "rows.jsonl"), [...Array.from({ length: 5000 }, (_, i) => ({ id: `r${i}`, n: i % 10 })), "not json"]);

/** The files one run writes, by flag. */
const files = (tag: string) => ({
  out: join(dir, `${tag}-out.jsonl`),
  deadLetters: join(dir, `${tag}-dead.jsonl`),
  late: join(dir, `${tag}-late.jsonl`),
});
const argsOf = (f: ReturnType<typeof files>, sink: string) => [`--out`, `${sink}=${f.out}`, "--dead-letters", f.deadLetters, "--late", f.late];
const bytes = (f: ReturnType<typeof files>) => [readFileSync(f.out), readFileSync(f.deadLetters), readFileSync(f.late)];

const cases = [
  {
    name: "the flagship per user (needs no exchange)",
    args: ["run", "bench/user-sequences-per-user.ts", "--in", "events=examples/data/events.jsonl", "--in", "items=examples/data/items.jsonl"],
    sink: "sequences",
    threads: true,
  },
  {
    name: "window-count (late elements)",
    args: ["run", "examples/window-count.ts", "--in", "events=examples/data/window-events.jsonl"],
    sink: "counts",
    threads: true,
  },
  {
    name: "a pipeline module with an executor, failing elements dead-lettered",
    args: ["run", "test/cli/fixtures/throws.ts", "--in", `rows=${rows}`, "--on-executor-error", "dead-letter"],
    sink: "out",
    threads: true,
  },
  {
    name: "the flagship (needs an exchange before its dedupe)",
    args: ["run", "examples/user-sequences.ts", "--in", "events=examples/data/events.jsonl", "--in", "items=examples/data/items.jsonl"],
    sink: "sequences",
    threads: false,
  },
];

describe("lockstep run --workers", () => {
  for (const c of cases) {
    it(`${c.name}: --workers 2 writes the same files`, async () => {
      const one = files(`${c.sink}-${c.threads}-1`);
      const two = files(`${c.sink}-${c.threads}-2`);
      const r1 = await cli(...c.args, ...argsOf(one, c.sink));
      const r2 = await cli(...c.args, ...argsOf(two, c.sink), "--workers", "2");
      expect(r1.code, r1.err).toBe(0);
      expect(r2.code, r2.err).toBe(0);
      expect(bytes(two)).toEqual(bytes(one));
      if (c.threads) expect(r2.err).toMatch(/ on direct \(2 threads\) in /);
      else
        expect(r2.err).toMatch(/^lockstep: --workers 2: pipeline "user-sequences" needs a repartition before stage "events\.dedupe"; running on one thread$/m);
    }, 60_000);
  }

  it("as a child process from the sources: the same files on 2 threads", () => {
    const c = cases[0]!;
    const one = files("child-1");
    const two = files("child-2");
    const r1 = spawnCli([...c.args, ...argsOf(one, c.sink)]);
    const r2 = spawnCli([...c.args, ...argsOf(two, c.sink), "--workers", "2"]);
    expect(r1.code, r1.err).toBe(0);
    expect(r2.code, r2.err).toBe(0);
    expect(r2.err).toMatch(/ on direct \(2 threads\) in /);
    expect(bytes(two)).toEqual(bytes(one));
  }, 60_000);

  it("a compiled plan with --executors: the same files on 2 threads", async () => {
    const plan = join(dir, "throws.json");
    const c = await cli("compile", "test/cli/fixtures/throws.ts", "-o", plan);
    expect(c.code, c.err).toBe(0);
    const base = ["run", plan, "--executors", "test/cli/fixtures/throws.ts", "--in", `rows=${rows}`, "--on-executor-error", "dead-letter"];
    const one = files("json-1");
    const two = files("json-2");
    const r1 = await cli(...base, ...argsOf(one, "out"));
    const r2 = await cli(...base, ...argsOf(two, "out"), "--workers", "2");
    expect(r1.code, r1.err).toBe(0);
    expect(r2.code, r2.err).toBe(0);
    expect(r2.err).toMatch(/ on direct \(2 threads\) in /);
    expect(bytes(two)).toEqual(bytes(one));
  }, 60_000);

  it("an executor that throws fails the run as on one thread (exit code and message)", async () => {
    const base = ["run", "test/cli/fixtures/throws.ts", "--in", `rows=${rows}`];
    const r1 = await cli(...base);
    const r2 = await cli(...base, "--workers", "2");
    expect(r1.code).not.toBe(0);
    expect(r2.code).toBe(r1.code);
    expect(r2.err).toBe(r1.err);
  }, 60_000);

  it("refuses --workers that is not a whole number ≥ 1, and on another runner", async () => {
    const base = ["run", "examples/window-count.ts", "--in", "events=examples/data/window-events.jsonl"];
    for (const n of ["0", "1.5", "two"]) {
      const r = await cli(...base, "--workers", n);
      expect(r.code).toBe(2);
      expect(r.err).toContain(`--workers ${n}: expected a whole number ≥ 1`);
    }
    const r = await cli(...base, "--workers", "2", "--runner", "arquero");
    expect(r.code).toBe(2);
    expect(r.err).toContain("--workers is an option of the DirectRunner");
  });
});
