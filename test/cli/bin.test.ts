import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, jsonlRows, spawnCli, tempDir } from "./helpers.ts";

// A few real runs of the `lockstep` bin (from the sources), as a user meets it: stdin and
// stdout, exit codes, help. Everything else is tested in-process.
const dir = tempDir();

describe("the lockstep bin", () => {
  it("reads - from stdin, writes the final view to - on stdout and the summary on stderr", () => {
    const input = '{"line":"b a"}\n{"line":"A c a"}\nnot json\n';
    const r = spawnCli(["run", "examples/wordcount.ts", "--in", "lines=-", "--out", "counts=-"], input);
    expect(r.code).toBe(0);
    expect(r.out).toBe('{"count":3,"word":"a"}\n{"count":1,"word":"b"}\n{"count":1,"word":"c"}\n');
    expect(r.err).toContain("source lines: 3 read = 2 accepted + 1 dead letters");
    expect(r.err).toContain("sink counts: 3 rows → stdout");
  });

  it("writes dead letters to stdout while the final view goes to a file", () => {
    const out = join(dir, "counts.jsonl");
    const r = spawnCli(
      ["run", "examples/wordcount.ts", "--in", "lines=-", "--out", `counts=${out}`, "--dead-letters", "-", "-q"],
      '{"line":"x"}\n{"lien":"y"}\n',
    );
    expect(r).toMatchObject({ code: 0, err: "" });
    expect(jsonlRows(r.out)).toMatchObject([{ source: "lines", offset: 2, reason: 'missing field "line"' }]);
    expect(readFileSync(out, "utf8")).toBe('{"count":1,"word":"x"}\n');
  });

  it("runs the README's flagship command (npm start) and accounts for the 2 malformed events", () => {
    const r = spawnCli([
      "run",
      "examples/user-sequences.ts",
      "--in",
      "events=examples/data/events.jsonl",
      "--in",
      "items=examples/data/items.jsonl",
      "--out",
      "sequences=-",
    ]);
    expect(r.code).toBe(0);
    const rows = jsonlRows(r.out) as { userId: string; events: unknown[] }[];
    expect(rows.map((x) => x.userId)).toEqual([...rows.map((x) => x.userId)].sort());
    expect(rows.every((x) => x.events.length > 0 && x.events.length <= 50)).toBe(true);
    expect(r.err).toMatch(/source events: \d+ read = \d+ accepted \+ 2 dead letters/);
  });

  it("exits 1 when an executor throws, naming stage, executor and element", () => {
    const r = spawnCli(["run", "test/cli/fixtures/throws.ts", "--in", "rows=-"], '{"id":"a","n":3}\n');
    expect(r.code).toBe(1);
    expect(r.out).toBe("");
    expect(r.err).toMatch(
      /^lockstep: run failed: executor double@1 in stage "rows.apply" threw on the element at rows:1 \{"id":"a","n":3\}: three is not allowed\n$/,
    );
  });

  it("exits 2 on bad usage, with the message on stderr", () => {
    const r = spawnCli(["run", "examples/wordcount.ts", "--runner", "kafka"]);
    expect(r.code).toBe(2);
    expect(r.out).toBe("");
    expect(r.err).toContain('pipeline "wordcount" needs an input for "lines". Fix: add --in lines=path.jsonl');
    const none = spawnCli([]);
    expect(none.code).toBe(2); // no command: help on stderr
    expect(none.err).toContain("Usage: lockstep");
  });

  it("prints --help and --version with exit 0", () => {
    const r = spawnCli(["--help"]);
    expect(r).toMatchObject({ code: 0, err: "" });
    for (const c of ["run", "compile", "validate", "graph"]) expect(r.out).toContain(`  ${c} [options] <`);
    expect(spawnCli(["--version"])).toEqual({ code: 0, out: "0.1.0\n", err: "" });
  });

  // Each command's help in-process: the same code, without five more node startups.
  for (const [args, usage] of [
    [["run", "--help"], "Usage: lockstep run [options] <pipeline>"],
    [["compile", "--help"], "Usage: lockstep compile [options] <pipeline>"],
    [["validate", "--help"], "Usage: lockstep validate [options] <definition>"],
    [["graph", "--help"], "Usage: lockstep graph [options] <pipeline>"],
    [["help", "run"], "Usage: lockstep run [options] <pipeline>"],
  ] as const) {
    it(`${args.join(" ")} prints its usage with exit 0`, async () => {
      const r = await cli(...args);
      expect(r).toMatchObject({ code: 0, err: "" });
      expect(r.out).toContain(usage);
      expect(r.out).not.toContain("(default: {})");
    });
  }
});
