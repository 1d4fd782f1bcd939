/**
 * A source that sends every record to the dead letters is reported loudly,
 * and `--max-dead-letter-rate R` fails a run past that rate (exit 1, sinks not
 * written) — the same rule (src/run/dead-letters.ts) on every runner.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runDirect } from "../../runners/direct/index.ts";
import { deadLettersBySource } from "../../src/run/dead-letters.ts";
import splitTimes from "./fixtures/split-times.ts";
import { cli, repo, tempDir } from "./helpers.ts";

const dir = tempDir();
const file = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const wordcount = repo("examples/wordcount.ts");
/** 2 of 3 lines lack "line". */
const twoOfThree = file("two-of-three.jsonl", '{"line":"a b"}\n{"lien":"c"}\n{"lien":"d"}\n');
/** Every line lacks "line". */
const allBad = file("all-bad.jsonl", '{"lien":"c"}\n{"lien":"d"}\n');

describe.each(["direct", "arquero"])("dead letters on %s", (runner) => {
  it("a source that rejected every record gets a WARNING line naming it, the count and the most common reason — even with -q", async () => {
    const out = join(dir, `${runner}-all.jsonl`);
    for (const quiet of [[], ["-q"]]) {
      const r = await cli("run", wordcount, "--runner", runner, "--in", `lines=${allBad}`, "--out", `counts=${out}`, ...quiet);
      expect(r.code).toBe(0);
      expect(r.err).toContain(
        `lockstep: WARNING: source "lines" sent every record (2 of 2) to the dead letters; most common reason (2×): missing field "line"\n`,
      );
    }
    const some = await cli("run", wordcount, "--runner", runner, "--in", `lines=${twoOfThree}`, "--out", `counts=${out}`);
    expect(some.err).not.toContain("WARNING");
  });

  it("--max-dead-letter-rate: past it, exit 1 naming the source, the rate and the reason; the sinks are not written, the dead letters are", async () => {
    const out = join(dir, `${runner}-over.jsonl`);
    const dead = join(dir, `${runner}-over-dead.jsonl`);
    const r = await cli(
      "run",
      wordcount,
      "--runner",
      runner,
      "--in",
      `lines=${twoOfThree}`,
      "--out",
      `counts=${out}`,
      "--dead-letters",
      dead,
      "--max-dead-letter-rate",
      "0.5",
    );
    expect(r.code).toBe(1);
    expect(r.err).toContain(
      `lockstep: run failed: source "lines": 2 of 3 records (66.7%) went to the dead letters, above --max-dead-letter-rate 0.5; most common reason (2×): missing field "line". Fix:`,
    );
    expect(r.err).toContain("sink counts: 2 rows (not written: too many dead letters)");
    expect(existsSync(out)).toBe(false);
    expect(readFileSync(dead, "utf8").trim().split("\n")).toHaveLength(2);
  });

  it("--max-dead-letter-rate: at or below it, the run succeeds and writes its sinks", async () => {
    for (const [input, rate] of [
      [twoOfThree, "0.7"],
      [twoOfThree, "1"],
      [file(`${runner}-one-of-two.jsonl`, '{"line":"a"}\n{"lien":"b"}\n'), "0.5"],
      [file(`${runner}-clean.jsonl`, '{"line":"a b"}\n'), "0"],
    ] as const) {
      const out = join(dir, `${runner}-ok-${rate}.jsonl`);
      const r = await cli("run", wordcount, "--runner", runner, "--in", `lines=${input}`, "--out", `counts=${out}`, "--max-dead-letter-rate", rate, "-q");
      expect({ code: r.code, err: r.err }).toEqual({ code: 0, err: "" });
      expect(existsSync(out)).toBe(true);
    }
  });
});

describe("the dead-letter rate rule", () => {
  it("refuses a rate outside 0–1 as bad usage (exit 2)", async () => {
    for (const bad of ["1.5", "-0.1", "abc", "", "NaN"]) {
      const r = await cli("run", wordcount, "--in", `lines=${twoOfThree}`, "--max-dead-letter-rate", bad);
      expect(r.code).toBe(2);
      expect(r.err).toContain(`--max-dead-letter-rate ${bad}: not a number from 0 to 1`);
    }
  });

  it("counts records, not dead letters: a record whose several elements a stage rejected counts once", async () => {
    const result = await runDirect(splitTimes, { inputs: { lines: [{ line: "a b c" }, { line: "d e" }] } });
    expect(result.deadLetters).toHaveLength(5);
    expect(deadLettersBySource(result.plan, result)).toEqual([
      { source: "lines", op: "source", read: 2, rejected: 2, rate: 1, topReason: { reason: expect.stringContaining("event time"), count: 5 } },
    ]);
  });

  it("stage rejections count for the source they came from (the warning names the stage's reason)", async () => {
    const r = await cli("run", repo("test/cli/fixtures/split-times.ts"), "--in", `lines=${file("words.jsonl", '{"line":"a b"}\n')}`, "-q");
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/^lockstep: WARNING: source "lines" sent every record \(1 of 1\) to the dead letters; most common reason \(2×\): event time /);
  });
});
