/**
 * How fast `lockstep nexmark generate --events N -o FILE` writes Beam's event stream, next to the
 * floor for writing the same bytes: a raw Node loop that writes N fixed lines of the same average
 * length to the same file, in the same 1 MiB chunks with the same backpressure. Both run as their own
 * processes (Node start-up included in both), alternately, `runs` times, the generator as it runs by
 * default (a worker thread per spare core) and on its main thread alone (`--threads 0`); the table gives medians of
 * wall time and of CPU time (user + system, GNU time), which load on the machine inflates less.
 * Needs the compiled CLI: run `npm run build` first. With COMPARE_BIN=path/to/another/dist/src/cli/bin.js
 * (say, a build of an older commit) its `nexmark generate` runs alongside as a third row.
 *
 *   npx tsx bench/nexmark-generate.ts [events] [runs]
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";

const N = Number(process.argv[2] ?? 2_000_000);
const runs = Number(process.argv[3] ?? 5);
const bin = "dist/src/cli/bin.js";
const dir = mkdtempSync(join(tmpdir(), "lockstep-bench-nexmark-"));
const file = join(dir, "events.jsonl");

/** The baseline: N copies of one line of `bytes` bytes (newline included), written as the generator writes. */
const rawWriter = `
const { createWriteStream } = require("node:fs");
const { once } = require("node:events");
const [n, bytes, path] = process.argv.slice(1);
const line = Buffer.from('{"type":"bid","extra":"' + "x".repeat(Number(bytes) - 25) + '"}\\n', "latin1");
(async () => {
  const out = createWriteStream(path);
  const CHUNK = 1 << 20;
  let buf = Buffer.allocUnsafe(CHUNK);
  let pos = 0;
  for (let i = 0; i < Number(n); i++) {
    if (pos + line.length > CHUNK) {
      const ok = out.write(buf.subarray(0, pos));
      buf = Buffer.allocUnsafe(CHUNK);
      pos = 0;
      if (!ok) await once(out, "drain");
    }
    pos += line.copy(buf, pos);
  }
  out.write(buf.subarray(0, pos));
  out.end();
  await once(out, "close");
})();
`;

interface Sample {
  wall: number;
  cpu: number;
}

function timed(cmd: string, args: string[]): Sample {
  const r = spawnSync("/usr/bin/time", ["-f", "LOCKSTEP_TIME %e %U %S", cmd, ...args], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${[cmd, ...args].join(" ")}: exit ${r.status}\n${r.stderr}`);
  const [, e, u, s] = /LOCKSTEP_TIME (\S+) (\S+) (\S+)/.exec(r.stderr) ?? [];
  return { wall: Number(e), cpu: Number(u) + Number(s) };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

const generate = [bin, "nexmark", "generate", "--events", String(N), "-o", file];
timed(process.execPath, generate); // once first: the file's size gives the baseline's line length
const bytes = statSync(file).size;
const lineBytes = Math.round(bytes / N);
const raw = ["-e", rawWriter, String(N), String(lineBytes), file];

const compare = process.env.COMPARE_BIN;
const samples: Record<"raw" | "lockstep" | "single" | "compare", Sample[]> = { raw: [], lockstep: [], single: [], compare: [] };
for (let i = 0; i < runs; i++) {
  samples.raw.push(timed(process.execPath, raw));
  samples.lockstep.push(timed(process.execPath, generate));
  samples.single.push(timed(process.execPath, [...generate, "--threads", "0"]));
  if (compare) samples.compare.push(timed(process.execPath, [compare, ...generate.slice(1)]));
}
rmSync(dir, { recursive: true, force: true });

const row = (name: string, s: Sample[], base: Sample[]) => {
  const wall = median(s.map((x) => x.wall));
  const cpu = median(s.map((x) => x.cpu));
  const baseWall = median(base.map((x) => x.wall));
  const rate = (t: number) => Math.round(N / t).toLocaleString("en-US");
  return `| ${name} | ${N} | ${runs} | ${wall.toFixed(2)} | ${cpu.toFixed(2)} | ${rate(wall)} | ${rate(cpu)} | ${(wall / baseWall).toFixed(2)} |`;
};
console.log(`${N} events, ${(bytes / 2 ** 20).toFixed(0)} MiB, ${lineBytes} bytes a line on average\n`);
console.log(
  [
    "| command | events | runs | median wall s | median CPU s | events/s (wall) | events per CPU-s | wall / raw write |",
    "|---|---:|---:|---:|---:|---:|---:|---:|",
    row(`raw write of ${lineBytes}-byte lines (baseline)`, samples.raw, samples.raw),
    row(
      `lockstep nexmark generate --events ${N} -o FILE (default: worker threads ${Math.max(0, Math.min(3, availableParallelism() - 1))})`,
      samples.lockstep,
      samples.raw,
    ),
    row(`lockstep nexmark generate --events ${N} -o FILE --threads 0 (main thread alone)`, samples.single, samples.raw),
    ...(compare ? [row(`the same with COMPARE_BIN=${compare}`, samples.compare, samples.raw)] : []),
  ].join("\n"),
);
