/**
 * State larger than the heap (issue 12): the flagship user-sequences pipeline
 * over many users, with operator state in memory and in LMDB
 * (`lockstep run --state lmdb`), each as its own process under
 * `/usr/bin/time`, so the peak RSS is the whole process's.
 *
 *   npx tsx bench/state-scale.ts <events> <users> [memory|lmdb ...] [--heap MB]
 *   npx tsx bench/state-scale.ts 5000000 1000000 lmdb memory --heap 2560
 *
 * Inputs are generated once per size into the OS temp dir (deterministic),
 * with the shape of bench/suites.ts' user-sequences (2% duplicate event ids,
 * a quarter of each event type, 2,000 items, users uniform), and the count of
 * distinct users in the output is printed. Both runs must
 * write the same sink file; the bench says so when they do not.
 *
 * @module
 */
import { spawnSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { flagshipData } from "./flagship-data.ts";

const args = process.argv.slice(2);
const heapAt = args.indexOf("--heap");
const heap = heapAt >= 0 ? Number(args.splice(heapAt, 2)[1]) : undefined;
const [eventsArg, usersArg, ...backends] = args;
const EVENTS = Number(eventsArg ?? 1_000_000);
const USERS = Number(usersArg ?? 200_000);
const STATES = backends.length > 0 ? backends : ["memory", "lmdb"];
if (!(EVENTS > 0 && USERS > 0) || STATES.some((s) => s !== "memory" && s !== "lmdb")) {
  console.error("usage: tsx bench/state-scale.ts <events> <users> [memory|lmdb ...] [--heap MB]");
  process.exit(2);
}

const { dir, eventsFile, itemsFile } = await flagshipData(EVENTS, USERS);

interface Outcome {
  readonly state: string;
  readonly ok: boolean;
  readonly seconds: number;
  readonly rssMiB: number;
  readonly out: string;
  readonly error?: string;
}

const runOnce = (state: string): Outcome => {
  const out = join(dir, `sequences-${state}.jsonl`);
  const node = [...(heap ? [`--max-old-space-size=${heap}`] : []), "dist/src/cli/bin.js"];
  const cli = [
    "run",
    "examples/user-sequences.ts",
    "--in",
    `events=${eventsFile}`,
    "--in",
    `items=${itemsFile}`,
    "--out",
    `sequences=${out}`,
    "-q",
    "--state",
    state,
  ];
  const r = spawnSync("/usr/bin/time", ["-f", "%M %e", process.execPath, ...node, ...cli], { encoding: "utf8", maxBuffer: 1 << 26 });
  const last = r.stderr.trim().split("\n").at(-1) ?? "";
  const [kb, secs] = last.split(" ").map(Number);
  return {
    state,
    ok: r.status === 0,
    seconds: secs ?? Number.NaN,
    rssMiB: (kb ?? Number.NaN) / 1024,
    out,
    error: r.status === 0 ? undefined : r.stderr.split("\n").filter((l) => /heap|Error|lockstep:/.test(l))[0],
  };
};

console.log(
  `# ${EVENTS.toLocaleString("en")} events, ${USERS.toLocaleString("en")} users (${(statSync(eventsFile).size / 2 ** 20).toFixed(0)} MiB)${heap ? `, --max-old-space-size=${heap}` : ""}`,
);
console.log("| state | result | seconds | events/s | peak RSS (MiB) |");
console.log("|---|---|---:|---:|---:|");
const outcomes: Outcome[] = [];
for (const state of STATES) {
  const o = runOnce(state);
  outcomes.push(o);
  const rate = o.ok ? Math.round(EVENTS / o.seconds).toLocaleString("en") : "–";
  console.log(`| ${o.state} | ${o.ok ? "finished" : `failed: ${o.error ?? "?"}`} | ${o.seconds.toFixed(1)} | ${rate} | ${o.rssMiB.toFixed(0)} |`);
}
const done = outcomes.filter((o) => o.ok);
if (done.length > 0) console.log(`\n${readFileSync(done[0]!.out, "utf8").split("\n").filter(Boolean).length.toLocaleString("en")} users in the sink file.`);
if (done.length > 1) {
  const same = done.every((o) => readFileSync(o.out, "utf8") === readFileSync(done[0]!.out, "utf8"));
  console.log(same ? "\nEvery finished run wrote the same sink file." : "\nTHE SINK FILES DIFFER.");
  if (!same) process.exitCode = 1;
}
