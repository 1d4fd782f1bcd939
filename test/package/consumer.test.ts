/**
 * The consumer smoke test: lockstep as a user meets it. Builds and packs the
 * package, installs the tarball into a fresh app outside the repository (no
 * overrides, no lockstep dev tools; installs come from the npm cache where
 * possible), then uses it from that app: the CLI on the app's own pipeline
 * (also from a `"type": "commonjs"` folder), plain Node ESM, the app's own
 * strict `tsc`, and a vitest test with the parity matcher.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repo } from "../cli/helpers.ts";

const FIXTURES = repo("test/package/app");
const pkg = JSON.parse(readFileSync(repo("package.json"), "utf8")) as { version: string; devDependencies: Record<string, string> };
const work = mkdtempSync(join(tmpdir(), "lockstep-consumer-"));
const app = join(work, "app");

interface Ran {
  code: number | null;
  out: string;
  err: string;
}

/** Runs a command to its end (bounded), as a user's shell would. */
const sh = (cmd: string, args: readonly string[], cwd: string, timeout = 180_000): Ran => {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", timeout, env: { ...process.env, NODE_OPTIONS: "", npm_config_update_notifier: "false" } });
  return { code: r.status, out: r.stdout, err: r.stderr + (r.error ? String(r.error) : "") };
};
const ok = (r: Ran): Ran => {
  expect(r.code, `${r.out}\n${r.err}`).toBe(0);
  return r;
};
const lockstep = (...args: string[]): Ran => sh("npx", ["--no", "--", "lockstep", ...args], app);

let tarball = "";
let install: Ran;

beforeAll(() => {
  const packed = ok(sh("npm", ["pack", "--pack-destination", work, "--silent"], repo(".")));
  tarball = join(work, packed.out.trim().split("\n").pop()!);
  mkdirSync(app);
  cpSync(FIXTURES, app, { recursive: true });
  mkdirSync(join(app, "cjs"));
  cpSync(join(FIXTURES, "cjs-package.json"), join(app, "cjs", "package.json"));
  cpSync(join(FIXTURES, "pipeline.ts"), join(app, "cjs", "pipeline.ts"));
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "consumer-app", private: true, type: "module" }, null, 2));
  const dev = (name: string) => `${name}@${pkg.devDependencies[name]}`;
  install = sh("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", tarball, "io-ts@^2.2.22", dev("typescript"), dev("vitest")], app, 300_000);
}, 400_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

// Each test spawns npm/npx processes that take 10–40 s on a loaded 2-core machine: bound them generously
// (a hang still fails) instead of the suite's 30 s default, which load alone exceeded once.
describe("npm install lockstep (the packed tarball) into a fresh app", { timeout: 180_000 }, () => {
  it("installs with no overrides in the app and no engine warnings on this Node", () => {
    ok(install);
    expect(install.out + install.err).not.toMatch(/EBADENGINE|ERESOLVE|404/);
    const flechette = JSON.parse(readFileSync(join(app, "node_modules/@uwdata/flechette/package.json"), "utf8")) as { version: string };
    expect(flechette.version).toBe("2.6.0");
  });

  it("ships compiled code, declarations, the license and the changelog, and no tests or examples", () => {
    const files = sh("tar", ["tzf", tarball], work)
      .out.split("\n")
      .filter(Boolean)
      .map((f) => f.replace(/^package\//, ""));
    expect(files).toEqual(expect.arrayContaining(["LICENSE", "CHANGELOG.md", "README.md", "dist/dsl/index.js", "dist/dsl/index.d.ts", "dist/src/cli/bin.js"]));
    expect(files.filter((f) => /^(test|examples|bench)\//.test(f) || /\.test\.ts$/.test(f))).toEqual([]);
  });

  it("passes publint and are-the-types-wrong (ESM only)", () => {
    ok(sh("npx", ["--no", "--", "publint", "--strict", tarball], repo(".")));
    ok(sh("npx", ["--no", "--", "attw", tarball, "--profile", "esm-only"], repo(".")));
  });

  it("npx lockstep --version and --help answer without loading a pipeline", () => {
    expect(ok(lockstep("--version")).out.trim()).toBe(pkg.version);
    expect(ok(lockstep("--help")).out).toMatch(/Usage: lockstep/);
  });

  // ann: /a, /b, /b → 3 clicks on 2 pages; bob: 1 on 1; bot7 is filtered by the executor; "not json" is a dead letter.
  const expected = '{"clicks":3,"pages":2,"user":"ann"}\n{"clicks":1,"pages":1,"user":"bob"}\n';

  it("npx lockstep run runs the app's own TypeScript pipeline", () => {
    const r = ok(lockstep("run", "pipeline.ts", "--in", "clicks=clicks.jsonl", "--out", "counts=-"));
    expect(r.out).toBe(expected);
    expect(r.err).toContain("source clicks: 6 read = 5 accepted + 1 dead letters");
  });

  it("npx lockstep run works from a folder whose package.json says type: commonjs", () => {
    const r = ok(sh("npx", ["--no", "--", "lockstep", "run", "pipeline.ts", "--in", "clicks=../clicks.jsonl", "--out", "counts=-", "-q"], join(app, "cjs")));
    expect(r.out).toBe(expected);
    expect(readdirSync(join(app, "cjs")).sort()).toEqual(["package.json", "pipeline.ts"]);
  });

  it("npx lockstep run --workers 2 runs on two threads that load the app's executor, with the same output", () => {
    const one = ok(lockstep("run", "per-click.ts", "--in", "clicks=clicks.jsonl", "--out", "rows=-"));
    const two = ok(lockstep("run", "per-click.ts", "--in", "clicks=clicks.jsonl", "--out", "rows=-", "--workers", "2"));
    expect(two.err).toContain('ran "clicks-not-bots" v1 on direct (2 threads)');
    expect(one.out).not.toBe("");
    expect(two.out).toBe(one.out);
  });

  it("npx lockstep compile, validate and run the compiled JSON with the app's executors", () => {
    ok(lockstep("compile", "pipeline.ts", "-o", "out/plan.json"));
    expect(ok(lockstep("validate", "out/plan.json", "--executors", "pipeline.ts")).out).toMatch(/out\/plan\.json: valid .* "clicks-per-user" v1/);
    expect(ok(lockstep("run", "out/plan.json", "--executors", "pipeline.ts", "--in", "clicks=clicks.jsonl", "--out", "counts=-", "-q")).out).toBe(expected);
  });

  it("npx lockstep parity compares the runners on generated histories", () => {
    expect(ok(lockstep("parity", "pipeline.ts", "--runners", "direct,arquero", "--runs", "5", "--seed", "3", "-q")).out).toMatch(
      /^parity: direct = arquero on 5 histories/,
    );
  });

  it("plain Node imports lockstep, lockstep/direct, lockstep/arquero, lockstep/parity and lockstep/plan", () => {
    const r = ok(sh(process.execPath, ["app.mjs"], app));
    const totals = [
      { k: "a", n: 3, total: 4.5 },
      { k: "b", n: 1, total: 2 },
    ];
    expect(JSON.parse(r.out)).toEqual({ direct: totals, arquero: totals, parity: true, stages: expect.any(Number) });
  });

  it("the optional @platformatic/kafka client, not installed, is refused with the package to install (no broker needed)", () => {
    expect(readdirSync(join(app, "node_modules"))).not.toContain("@platformatic");
    const script = [
      'import { makeKafkaClient } from "lockstep/kafka";',
      'const c = makeKafkaClient("platformatic", ["127.0.0.1:1"]);',
      "try { await c.endOffsets('t'); console.log('no error'); } catch (e) { console.log(JSON.stringify({ name: e.name, message: e.message })); }",
    ].join("\n");
    writeFileSync(join(app, "platformatic.mjs"), script);
    const r = ok(sh(process.execPath, ["platformatic.mjs"], app));
    const e = JSON.parse(r.out) as { name: string; message: string };
    expect(e.name).toBe("DefinitionError");
    expect(e.message).toMatch(/@platformatic\/kafka is not installed/);
    expect(e.message).toMatch(/npm install @platformatic\/kafka@\^1\.35\.0/);
  });

  it("the app's tsc type-checks under strict, exactOptionalPropertyTypes and noUncheckedIndexedAccess", () => {
    ok(sh("npx", ["--no", "--", "tsc", "-p", "tsconfig.json"], app));
  });

  it("a vitest test in the app uses toHaveParity", () => {
    const r = ok(sh("npx", ["--no", "--", "vitest", "run", "--reporter", "verbose"], app));
    expect(r.out).toMatch(/1 passed/);
  });
});
