#!/usr/bin/env node
// Builds the published package into dist/: compiles with tsc (tsconfig.build.json), then copies
// the non-TypeScript files the code reads at run time (the Kafka broker's and local Flink's Maven poms). Runs on
// `npm ci` (prepare) and before `npm pack` / `npm publish`.
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, cpSync, mkdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");
rmSync(dist, { recursive: true, force: true });
// typescript's exports hide bin/: find it next to its package.json.
const tsc = join(dirname(createRequire(import.meta.url).resolve("typescript/package.json")), "bin", "tsc");
const r = spawnSync(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json")], { stdio: "inherit" });
if (r.status !== 0) process.exit(r.status ?? 1);
for (const asset of ["scripts/kafka/pom.xml", "scripts/flink/pom.xml"]) {
  mkdirSync(dirname(join(dist, asset)), { recursive: true });
  copyFileSync(join(root, asset), join(dist, asset));
}
// The Flink UDFs' Maven projects, built on first use by scripts/flink/udfs.ts (not their build output).
for (const project of ["runners/flink/java", "runners/flink/graaljs"]) {
  const from = join(root, project);
  cpSync(from, join(dist, project), { recursive: true, filter: (src) => !relative(from, src).split(sep).includes("target") });
}
chmodSync(join(dist, "src/cli/bin.js"), 0o755);
