/**
 * Progress on the command line: a bar on stderr when it is a terminal (a
 * real pseudo-terminal through util-linux `script`), nothing on a pipe.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { root, SOURCE_BIN, spawnCli } from "./helpers.ts";

const run = ["run", "examples/wordcount.ts", "--in", "lines=examples/data/lines.jsonl", "--out", "counts=-"];
const hasScript = spawnSync("script", ["--version"], { encoding: "utf8" }).status === 0;
const quote = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;

/** Runs the CLI with stdin, stdout and stderr on a pseudo-terminal; returns everything the terminal received. */
const onTerminal = (args: readonly string[]): { code: number; text: string } => {
  const command = [process.execPath, ...SOURCE_BIN, ...args].map(quote).join(" ");
  const r = spawnSync("script", ["-qec", command, "/dev/null"], { cwd: root, encoding: "utf8", timeout: 120_000, stdio: ["ignore", "pipe", "pipe"] });
  return { code: r.status ?? -1, text: r.stdout };
};

describe("progress on the command line", () => {
  it("prints no progress when stderr is not a terminal: only the summary", () => {
    const r = spawnCli(run);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/^lockstep: ran "wordcount" v1 on direct in \d+ ms\n/);
    expect(r.err).not.toMatch(/\x1b|\r|records ·|lockstep\[direct\]/);
    const a = spawnCli([...run, "--runner", "arquero"]);
    expect(a.code).toBe(0);
    expect(a.err).not.toMatch(/\x1b|\r|records ·/);
  });

  it.skipIf(!hasScript)("draws a bar with %, records and ETA on a terminal, for the direct and arquero runners", () => {
    for (const runner of ["direct", "arquero"]) {
      const r = onTerminal([...run, "--runner", runner]);
      expect(r.code).toBe(0);
      expect(r.text).toContain(`lockstep[${runner}] `);
      expect(r.text).toMatch(/100% · 7 records · [\d,]+\/s · ETA 0:00/);
      expect(r.text).toContain(`ran "wordcount" v1 on ${runner}`);
    }
  });

  it.skipIf(!hasScript)("draws nothing with -q, even on a terminal", () => {
    const r = onTerminal([...run, "-q"]);
    expect(r.code).toBe(0);
    expect(r.text).not.toContain("lockstep[direct]");
  });
});
