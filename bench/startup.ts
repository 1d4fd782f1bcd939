/**
 * Start-up cost of the `lockstep` command as a user meets it: the compiled
 * bin in dist/ (run `npm run build` first), median wall time of N runs each,
 * next to `node -e 0` in the same run (the floor any Node CLI pays).
 *
 *   npx tsx bench/startup.ts [runs]
 */
import { spawnSync } from "node:child_process";

const runs = Number(process.argv[2] ?? 15);
const bin = "dist/src/cli/bin.js";
const flagship = ["run", "examples/user-sequences.ts", "--in", "events=examples/data/events.jsonl", "--in", "items=examples/data/items.jsonl", "--out", "sequences=-"];

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
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`${name}: exit ${r.status}\n${r.stderr}`);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const m = median(times);
  if (!base) base = m;
  rows.push(`| ${name} | ${runs} | ${m.toFixed(0)} | ${(m / base).toFixed(2)} |`);
}
console.log("| command | runs | median ms | / node -e 0 |\n|---|---:|---:|---:|\n" + rows.join("\n"));
