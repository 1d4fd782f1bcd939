/**
 * Per-query CPU time (`process.cpuUsage`, GC threads included) and wall time of the ArqueroBatchRunner on
 * the queries of bench/arquero/queries.ts, with the code of the tree at `root` — so a baseline checkout and
 * a candidate can be alternated in one shell on a loaded machine (wall time there is mostly waiting):
 *
 *   git archive <base> | tar -x -C .scratch/base && ln -s ../../node_modules .scratch/base/node_modules
 *   node --max-old-space-size=8000 --import tsx bench/arquero-cpu.ts $PWD/.scratch/base 1000000 1,2
 *   node --max-old-space-size=8000 --import tsx bench/arquero-cpu.ts $PWD 1000000 1,2
 *   HAND=1 node --max-old-space-size=8000 --import tsx bench/arquero-cpu.ts $PWD 1000000 1,2   # hand-written arquero
 *
 * One JSON line per query: CPU ms, wall ms, 1-min load average before and after, result digest.
 */
import { loadavg } from "node:os";
const [root, nArg, qArg] = process.argv.slice(2);
const { generate, QUERIES, digest } = await import(`${root}/bench/arquero/queries.ts`);
const data = generate(Number(nArg));
for (const qi of qArg!.split(",").map((q) => Number(q) - 1)) {
  const q = QUERIES[qi];
  const l0 = loadavg()[0]!;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const rows = process.env.HAND ? q.hand(data) : await q.runner(data);
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  console.log(
    JSON.stringify({
      root: process.env.HAND ? "hand" : root!.split("/").pop(),
      q: qi + 1,
      cpuMs: Math.round((c.user + c.system) / 1000),
      wallMs: Math.round(wall),
      load: [l0, loadavg()[0]],
      digest: digest(rows, q.normalise),
    }),
  );
}
