/**
 * `npm run bench`: each benchmark times lockstep against a hand-written
 * baseline doing the same work, in the same process and run, and reports the
 * ratio (so machine speed cancels out). Figures go to bench/RESULTS.md with
 * the command that produced them.
 *
 *   npx tsx bench/run.ts                       # all, ~5M records each
 *   npx tsx bench/run.ts wordcount             # those whose name contains "wordcount"
 *   npx tsx bench/run.ts --events 200000       # smaller
 *
 * `npm run bench` runs it among the others (bench/all.ts).
 */
import { parseArgs } from "node:util";
import { benchmarks } from "./suites.ts";

const { values, positionals } = parseArgs({ options: { events: { type: "string", default: "5000000" } }, allowPositionals: true });
const filter = positionals[0];
const events = Number(values.events);
if (!(Number.isInteger(events) && events > 0)) {
  console.error(`--events ${values.events}: expected a whole number > 0`);
  process.exit(2);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Median wall and CPU (user + system, this process) ms of `reps` runs: on a loaded machine CPU is the fairer figure. */
const time = async (f: () => unknown | Promise<unknown>, reps: number): Promise<{ wall: number; cpu: number }> => {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < reps; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await f();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { wall: median(wall), cpu: median(cpu) };
};

console.log(`node ${process.version}, ${new Date().toISOString()}`);
console.log(
  "| benchmark | elements | baseline ms | lockstep ms | lockstep elements/s | ratio (lockstep / baseline) | baseline CPU ms | lockstep CPU ms | CPU ratio |",
);
console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
for (const b of benchmarks(events)) {
  if (filter && !b.name.includes(filter)) continue;
  const setup = await b.setup();
  // Warm up both (JIT), then check they agree before timing.
  const norm = b.normalize ?? ((x: unknown) => x);
  const base = norm(await b.baseline(setup));
  const ours = norm(await b.lockstep(setup));
  // Row by row: one JSON text of millions of rows passes V8's string length limit.
  const rowsOf = (x: unknown): unknown[] => (Array.isArray(x) ? x : [x]);
  const [bs, os] = [rowsOf(base), rowsOf(ours)];
  if (bs.length !== os.length || bs.some((r, i) => JSON.stringify(r) !== JSON.stringify(os[i])))
    throw new Error(`${b.name}: lockstep and the baseline disagree`);
  const tb = await time(() => b.baseline(setup), b.reps ?? 5);
  const tl = await time(() => b.lockstep(setup), b.reps ?? 5);
  console.log(
    `| ${b.name} | ${b.elements} | ${tb.wall.toFixed(0)} | ${tl.wall.toFixed(0)} | ${Math.round((b.elements / tl.wall) * 1000).toLocaleString("en-US")} | ${(tl.wall / tb.wall).toFixed(2)} | ${tb.cpu.toFixed(0)} | ${tl.cpu.toFixed(0)} | ${(tl.cpu / tb.cpu).toFixed(2)} |`,
  );
}
