/**
 * Serving latency and throughput: `lockstep serve` (the flagship's
 * sequences sink, 50-entry sequences) against a minimal node:http server
 * answering the same bodies from a Map (bench/serve-baseline.ts), in the
 * same run, both as child processes on 127.0.0.1, loaded by autocannon from
 * this process. Requests cycle through every user.
 *
 * Scenarios: (1) as fast as they go (10 connections): requests/s and
 * latency; (2) a fixed 5,000 requests/s: latency percentiles; (3) lockstep
 * with request stages (`?limit=10&hide=["view"]`), no baseline form; (4) a
 * second lockstep server with its answer cache off (`--answer-cache-mb 0`):
 * every answer parsed, staged and written anew; (5) a third lockstep server
 * with `--no-fast-path`: every request through hono (the node:http fast path
 * for plain GETs off), the same answers. The flagship's sink declares
 * request stages, so even a request without parameters runs them (they change
 * nothing then, and the stored text is sent as it is). The first pass over
 * the users fills the answer cache: it is part of each run's figures.
 *
 *   npx tsx bench/serve.ts [seconds per run] [users]
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { compile } from "../src/plan/index.ts";
import { openViewStore } from "../src/store/index.ts";
import userSequences from "../examples/user-sequences.ts";

const seconds = Number(process.argv[2] ?? 10);
const users = Number(process.argv[3] ?? 5000);
const root = join(import.meta.dirname, "..");
const dir = mkdtempSync(join(tmpdir(), "lockstep-bench-serve-"));

/** A store of the flagship's plan holding one 50-entry sequence per user (the shape the flagship writes). */
const writeStore = async (): Promise<void> => {
  const plan = compile(userSequences);
  const store = openViewStore(dir, { definition: { name: plan.name, version: plan.version, hash: plan.hash } });
  const types = ["save", "click", "view"];
  const entries = Array.from({ length: users }, (_, u) => {
    const userId = `u${u}`;
    const events = Array.from({ length: 50 }, (_, i) => ({
      category: `c${(u + i) % 12}`,
      itemId: `i${(u * 7 + i) % 1000}`,
      ts: 1_790_000_000_000 - i * 60_000,
      type: types[(u + i) % 3],
    }));
    return { key: { userId }, rows: [{ events, userId }] };
  });
  await store.writeSnapshot("sequences", entries);
  await store.close();
};

/** Starts a child process and waits for the port it prints. */
const start = (args: string[], pattern: RegExp): Promise<{ child: ChildProcess; port: number }> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let text = "";
    const onData = (d: Buffer) => {
      text += d;
      const m = pattern.exec(text);
      if (m) resolve({ child, port: Number(m[1]) });
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.on("exit", (code) => reject(new Error(`exited ${code}: ${text}`)));
  });

/** CPU seconds (user + system) a process has used, from /proc (Linux); undefined elsewhere. */
const cpuSeconds = (pid: number | undefined): number | undefined => {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100; // clock ticks: USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
};

interface Figures {
  readonly rps: number;
  /** The server process's CPU per answered request (µs): robust to a loaded machine, unlike requests/s. */
  readonly cpuUs?: number;
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  readonly errors: number;
}

const load = async ({ child, port }: { child: ChildProcess; port: number }, query: string, rate?: number): Promise<Figures> => {
  let i = 0;
  const cpu0 = cpuSeconds(child.pid);
  const r = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: 10,
    duration: seconds,
    ...(rate ? { overallRate: rate } : {}),
    requests: [
      {
        setupRequest: (req: { path: string }) => {
          req.path = `/v1/sequences/u${i++ % users}${query}`;
          return req;
        },
      },
    ],
  });
  const cpu1 = cpuSeconds(child.pid);
  const cpuUs = cpu0 === undefined || cpu1 === undefined || !r.requests.total ? undefined : ((cpu1 - cpu0) * 1e6) / r.requests.total;
  return { rps: r.requests.average, cpuUs, p50: r.latency.p50, p99: r.latency.p99, p999: r.latency.p99_9, errors: r.errors + r.non2xx };
};

const cpuCell = (f: Figures, base?: Figures) =>
  f.cpuUs === undefined ? "–" : `${Math.round(f.cpuUs)}${base?.cpuUs ? ` (${(f.cpuUs / base.cpuUs).toFixed(2)}×)` : ""}`;
const row = (name: string, f: Figures, base?: Figures) =>
  `| ${name} | ${Math.round(f.rps).toLocaleString("en-US")} | ${f.p50} | ${f.p99} | ${f.p999} | ${f.errors} | ${base ? (f.rps / base.rps).toFixed(2) : "1.00"} | ${cpuCell(f, base)} |`;

await writeStore();
const baseline = await start(["bench/serve-baseline.ts", dir], /port (\d+)/);
const serveArgs = ["src/cli/bin.ts", "serve", "examples/user-sequences.ts", "--store", dir, "--port", "0"];
const lockstep = await start(serveArgs, /127\.0\.0\.1:(\d+)/);
const uncached = await start([...serveArgs, "--answer-cache-mb", "0"], /127\.0\.0\.1:(\d+)/);
const viaHono = await start([...serveArgs, "--no-fast-path"], /127\.0\.0\.1:(\d+)/);
try {
  const hide = `?limit=10&hide=${encodeURIComponent('["view"]')}`;
  // Warm-up (JIT, page cache), not recorded.
  await Promise.all(
    [baseline.port, lockstep.port, uncached.port, viaHono.port].map((p) =>
      autocannon({ url: `http://127.0.0.1:${p}/v1/sequences/u1`, duration: 2, connections: 4 }),
    ),
  );
  const bMax = await load(baseline, "");
  const lMax = await load(lockstep, "");
  const bRate = await load(baseline, "", 5000);
  const lRate = await load(lockstep, "", 5000);
  const lStages = await load(lockstep, hide);
  const lStagesRate = await load(lockstep, hide, 5000);
  const uMax = await load(uncached, "");
  const uRate = await load(uncached, "", 5000);
  const uStages = await load(uncached, hide);
  const hMax = await load(viaHono, "");
  const hRate = await load(viaHono, "", 5000);
  console.log(
    `users ${users}, 50-entry sequences, ${seconds} s per run, 10 connections, load average before: ${loadavg()
      .map((x) => x.toFixed(1))
      .join(" ")}\n`,
  );
  console.log(
    "| server | requests/s | p50 ms | p99 ms | p99.9 ms | errors | req/s vs baseline | server CPU µs/request (vs baseline) |\n|---|---:|---:|---:|---:|---:|---:|---:|",
  );
  console.log(row("node:http + Map (baseline), max rate", bMax));
  console.log(row("lockstep serve, max rate", lMax, bMax));
  console.log(row("node:http + Map (baseline), 5k req/s offered", bRate));
  console.log(row("lockstep serve, 5k req/s offered", lRate, bRate));
  console.log(row("lockstep serve + stages (limit=10, hide view), max rate", lStages, bMax));
  console.log(row("lockstep serve + stages, 5k req/s offered", lStagesRate, bRate));
  console.log(row("lockstep serve, answer cache off, max rate", uMax, bMax));
  console.log(row("lockstep serve, answer cache off, 5k req/s offered", uRate, bRate));
  console.log(row("lockstep serve + stages, answer cache off, max rate", uStages, bMax));
  console.log(row("lockstep serve, fast path off (hono only), max rate", hMax, bMax));
  console.log(row("lockstep serve, fast path off (hono only), 5k req/s offered", hRate, bRate));
} finally {
  baseline.child.kill("SIGTERM");
  lockstep.child.kill("SIGTERM");
  uncached.child.kill("SIGTERM");
  viaHono.child.kill("SIGTERM");
  rmSync(dir, { recursive: true, force: true });
}
