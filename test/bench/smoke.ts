/** Runs bench/all.ts at smoke size into a scratch RESULTS.md, and checks what it wrote. */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { SUITES } from "../../bench/all.ts";
import { tempDir } from "../cli/helpers.ts";

const dir = tempDir();

/** Runs `bench/all.ts --smoke --only ids --out file` and returns the file's text. */
export const smoke = (ids: readonly string[], env: NodeJS.ProcessEnv = {}): string => {
  const out = join(dir, `${ids.join("-")}.md`);
  writeFileSync(out, "# Benchmark results\n\nIntro.\n\n## Older section\n\nkept\n");
  const r = spawnSync(process.execPath, ["--import", "tsx", "bench/all.ts", "--smoke", "--only", ids.join(","), "--out", out], {
    encoding: "utf8",
    env: { ...process.env, ...env },
    timeout: 600_000,
  });
  expect(r.status, r.stderr).toBe(0);
  return readFileSync(out, "utf8");
};

/** Every suite's section is there, ok, with a table; none says its two sides disagree. */
export const expectSections = (text: string, ids: readonly string[]): void => {
  for (const id of ids) {
    const suite = SUITES.find((s) => s.id === id)!;
    const at = text.indexOf(`### ${suite.title}`);
    expect(at, `section of ${id}`).toBeGreaterThan(0);
    const body = text.slice(at, text.indexOf("\n### ", at + 1) >>> 0);
    expect(body).toMatch(/— ok, \d+ s/);
    expect(body).toMatch(/^\|.*\|$/m);
    expect(body).not.toMatch(/disagree|DIFFER|\| NO \|/);
  }
  expect(text).toContain("## Older section\n\nkept"); // the hand-written part stays
};
