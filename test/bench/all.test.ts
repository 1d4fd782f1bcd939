/**
 * The benchmark harness can't rot: every suite of `npm run bench` runs at smoke size (bench/all.ts
 * --smoke) and must finish, print its table and find lockstep and its baseline agreeing. No timing is
 * asserted. The suites that need a broker run in kafka-suites.test.ts (the Kafka project).
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SUITES, section, sectionOf, withSection } from "../../bench/all.ts";
import type { SuiteRun } from "../../bench/all.ts";
import { expectSections, smoke } from "./smoke.ts";

describe("npm run bench at smoke size", () => {
  const local = SUITES.filter((s) => !s.kafka).map((s) => s.id);

  it("runs every suite that needs no broker and writes their tables", { timeout: 600_000 }, () => {
    // The start-up and generator suites time the compiled CLI.
    if (!existsSync("dist/src/cli/bin.js")) expect(spawnSync("npm", ["run", "build", "--silent"], { stdio: "inherit" }).status).toBe(0);
    expectSections(smoke(local), local);
  });

  it("replaces its own block and keeps the rest", () => {
    const once = withSection("# R\n\nIntro.\n\n## Old\n\nkept\n", "<!-- npm run bench: generated from here -->\nA\n<!-- npm run bench: generated to here -->");
    const twice = withSection(once, "<!-- npm run bench: generated from here -->\nB\n<!-- npm run bench: generated to here -->");
    expect(once.indexOf("A")).toBeLessThan(once.indexOf("## Old"));
    expect(twice).not.toContain("\nA\n");
    expect(twice.match(/generated from here/g)).toHaveLength(1);
    expect(twice).toContain("## Old\n\nkept");
  });

  it("refreshes the suites that ran and keeps the others' last figures", () => {
    const run = (id: string, output: string): SuiteRun => ({
      suite: SUITES.find((s) => s.id === id)!,
      ok: true,
      seconds: 1,
      output,
      loadBefore: 0.5,
      loadAfter: 0.6,
    });
    const first = withSection("# R\n\n## Old\n", section([run("direct", "| direct v1 |"), run("serve", "| serve v1 |")], false));
    const second = withSection(first, section([run("direct", "| direct v2 |")], false, sectionOf(first)));
    expect(second).toContain("| direct v2 |");
    expect(second).not.toContain("| direct v1 |");
    expect(second).toContain("| serve v1 |");
    expect(second.indexOf("### DirectRunner")).toBeLessThan(second.indexOf("### Serving")); // suite order, not run order
    expect(second.match(/generated to here/g)).toHaveLength(1);
  });
});
