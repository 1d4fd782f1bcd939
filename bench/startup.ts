/**
 * Start-up cost of the `lockstep` command as a user meets it: the compiled
 * bin in dist/ (run `npm run build` first), median wall time of N runs each,
 * next to `node -e 0` in the same run (the floor any Node CLI pays), and the
 * CPU time (user + system, from GNU time), which load on the machine
 * inflates less than wall time.
 *
 *   npx tsx bench/startup.ts [runs]
 */
import { spawnSync } from "node:child_process";

const runs = Number(process.argv[2] ?? 15);
const bin = "dist/src/cli/bin.js";
const flagship = [
  "run",
  "examples/user-sequences.ts",
  "--in",
  "events=examples/data/events.jsonl",
  "--in",
  "items=examples/data/items.jsonl",
  "--out",
  "sequences=-",
];

const cases: [string, string, string[]][] = [
  ["node -e 0 (baseline)", process.execPath, ["-e", "0"]],
  ["lockstep --version", process.execPath, [bin, "--version"]],
  ["lockstep --help", process.execPath, [bin, "--help"]],
  ["lockstep run (flagship, the README's npm start without npm)", process.execPath, [bin, ...flagship]],
  ["npm start (whole process, npm included)", "npm", ["start", "--silent"]],
];

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rows: string[] = [];
let base = 0;
for (const [name, cmd, args] of cases) {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync("/usr/bin/time", ["-f", "LOCKSTEP_TIME %e %U %S", cmd, ...args], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`${name}: exit ${r.status}\n${r.stderr}`);
    const [, e, u, sys] = /LOCKSTEP_TIME (\S+) (\S+) (\S+)/.exec(r.stderr)!;
    wall.push(Number(e) * 1000);
    cpu.push((Number(u) + Number(sys)) * 1000);
  }
  const m = median(wall);
  if (!base) base = m;
  rows.push(`| ${name} | ${runs} | ${m.toFixed(0)} | ${median(cpu).toFixed(0)} | ${(m / base).toFixed(2)} |`);
}
console.log("| command | runs | median wall ms | median CPU ms | wall / node -e 0 |\n|---|---:|---:|---:|---:|\n" + rows.join("\n"));
