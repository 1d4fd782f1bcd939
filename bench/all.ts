/**
 * `npm run bench`: every benchmark, one after the other, each in its own
 * process, and their tables written into bench/RESULTS.md (between the
 * `npm run bench` markers; the hand-written history and analysis below them
 * stay). Each suite measures lockstep against a baseline in the same run, so
 * the ratios hold on any machine; the load average before and after each
 * suite says how quiet the machine was.
 *
 *   npm run bench                          # everything, full sizes (≈ 1 h on 2 cores)
 *   npx tsx bench/all.ts --only direct,kafka
 *   npx tsx bench/all.ts --smoke           # tiny sizes, prints only (what the test runs)
 *   npx tsx bench/all.ts --smoke --out F   # … and writes the generated block into F
 *
 * A suite that fails is reported as failed in its section; the others still
 * run, and the exit code is 1.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { parseArgs } from "node:util";

/** One benchmark script: how `npm run bench` runs it, and its smoke size. */
interface Suite {
  readonly id: string;
  readonly title: string;
  /** Arguments after `node`, at full size. */
  readonly full: readonly string[];
  /** The same at a size that runs in seconds (the harness smoke test in `npm test`). */
  readonly smoke: readonly string[];
  /** Needs a broker: started by the suite itself unless KAFKA_BROKERS is set. */
  readonly kafka?: boolean;
}

const TSX = ["--import", "tsx"];

/** The suites, in the order they run (cheap and quiet-sensitive first). */
export const SUITES: readonly Suite[] = [
  { id: "startup", title: "CLI start-up", full: [...TSX, "bench/startup.ts", "11"], smoke: [...TSX, "bench/startup.ts", "1"] },
  {
    id: "nexmark-generate",
    title: "Nexmark generator to a file",
    full: [...TSX, "bench/nexmark-generate.ts", "2000000", "3"],
    smoke: [...TSX, "bench/nexmark-generate.ts", "20000", "1"],
  },
  {
    id: "direct",
    title: "DirectRunner vs hand-written TypeScript loops",
    // 5M Nexmark events and q1's 4.6M output rows, in memory twice (lockstep's and the loop's): more than Node's default heap.
    full: ["--max-old-space-size=12000", ...TSX, "bench/run.ts", "--events", "5000000"],
    smoke: [...TSX, "bench/run.ts", "--events", "2000"],
  },
  {
    id: "arquero",
    title: "ArqueroBatchRunner vs hand-written arquero",
    full: ["--max-old-space-size=12000", ...TSX, "bench/arquero-scale.ts", "5000000"],
    // DuckDB (npm @duckdb/node-api, in bench/duckdb) is installed by the suite on first use, except at smoke size.
    smoke: [...TSX, "bench/arquero-scale.ts", "2000", "--engines=hand,runner"],
  },
  {
    id: "kafka",
    title: "KafkaStreamRunner vs a raw kafkajs pipe",
    full: [...TSX, "bench/kafka.ts", "1000000"],
    smoke: [...TSX, "bench/kafka.ts", "2000"],
    kafka: true,
  },
  {
    id: "nexmark-topic",
    title: "Nexmark generator into Kafka",
    full: [...TSX, "bench/nexmark-topic.ts", "200000", "2"],
    smoke: [...TSX, "bench/nexmark-topic.ts", "2000", "1"],
    kafka: true,
  },
  {
    id: "materialize",
    title: "Materializer freshness",
    full: [...TSX, "bench/materialize.ts", "300"],
    smoke: [...TSX, "bench/materialize.ts", "10"],
    kafka: true,
  },
  {
    // Beam (npm apache-beam, in bench/beam) is installed by the suite on first use, except at smoke size.
    id: "beam",
    title: "DirectRunner vs Apache Beam's TypeScript SDK",
    full: [...TSX, "bench/beam-compare.ts", "--lines", "200000", "--events", "1000000", "--reps", "3"],
    smoke: [...TSX, "bench/beam-compare.ts", "--lines", "200", "--events", "2000", "--reps", "1", "--no-install"],
  },
  {
    id: "nexmark-queries",
    title: "Nexmark q0–q9, q11 on every runner",
    full: [...TSX, "bench/nexmark-queries.ts", "--events", "1000000", "--kafka-events", "200000"],
    smoke: [...TSX, "bench/nexmark-queries.ts", "--events", "1000", "--kafka-events", "500", "--queries", "q2,q7"],
    kafka: true,
  },
  { id: "serve", title: "Serving", full: [...TSX, "bench/serve.ts", "10", "5000"], smoke: [...TSX, "bench/serve.ts", "1", "200"] },
];

const START = "<!-- npm run bench: generated from here -->";
const END = "<!-- npm run bench: generated to here -->";

/** What one suite printed, and how it went. */
export interface SuiteRun {
  readonly suite: Suite;
  readonly ok: boolean;
  readonly seconds: number;
  readonly output: string;
  readonly loadBefore: number;
  readonly loadAfter: number;
}

const load = () => Number((loadavg()[0] ?? 0).toFixed(2));

/** Runs one suite as its own process; its stdout is the section's body, stderr is shown only on failure. */
export const runSuite = (suite: Suite, smoke: boolean): SuiteRun => {
  const loadBefore = load();
  const started = performance.now();
  const r = spawnSync(process.execPath, smoke ? suite.smoke : suite.full, { encoding: "utf8", maxBuffer: 64 << 20, stdio: ["ignore", "pipe", "pipe"] });
  const seconds = (performance.now() - started) / 1000;
  const ok = r.status === 0;
  const output = ok ? r.stdout.trim() : `${r.stdout.trim()}\n\nFAILED (exit ${r.status ?? r.signal}):\n\n\`\`\`\n${r.stderr.trim().slice(-4000)}\n\`\`\``;
  return { suite, ok, seconds, output, loadBefore, loadAfter: load() };
};

/** One suite's subsection of the generated block. */
export const suiteSection = (r: SuiteRun, smoke: boolean): string => {
  const cmd = `node ${(smoke ? r.suite.smoke : r.suite.full).join(" ")}`.replace("node --import tsx ", "npx tsx ");
  const when = new Date().toISOString().slice(0, 16).replace("T", " ");
  return [
    `### ${r.suite.title}`,
    "",
    `Command: \`${cmd}\` — ${r.ok ? "ok" : "**failed**"}, ${r.seconds.toFixed(0)} s, load ${r.loadBefore} → ${r.loadAfter}, ${when} UTC`,
    "",
    r.output,
  ].join("\n");
};

/**
 * The generated block of RESULTS.md: the suites just run, in suite order, and those of `previous` (the
 * block already in the file) that did not run this time, as they were — so `--only` refreshes some
 * rows without losing the others.
 */
export const section = (runs: readonly SuiteRun[], smoke: boolean, previous = ""): string => {
  const cpu = cpus();
  const old = new Map<string, string>();
  for (const part of previous.split(/\n(?=### )/).slice(1)) old.set(part.slice(4, part.indexOf("\n")), (part.split(END)[0] as string).trimEnd());
  const lines = [
    START,
    "",
    `## Latest \`npm run bench\`${smoke ? " (smoke sizes)" : ""}`,
    "",
    `Generated by \`npx tsx bench/all.ts${smoke ? " --smoke" : ""}\` (do not edit between the markers; each suite says when it last ran). Machine: ${cpu.length} × ${cpu[0]?.model.trim() ?? "?"}, ` +
      `${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}. Each suite ran as its own process; the load average is the 1-minute figure before → after it.`,
  ];
  for (const suite of SUITES) {
    const r = runs.find((x) => x.suite.id === suite.id);
    const text = r ? suiteSection(r, smoke) : old.get(suite.title);
    if (text !== undefined) lines.push("", text);
  }
  lines.push("", END);
  return lines.join("\n");
};

/** The generated block of `text`, or "" when it has none. */
export const sectionOf = (text: string): string => {
  const a = text.indexOf(START);
  const b = text.indexOf(END);
  return a >= 0 && b > a ? text.slice(a, b + END.length) : "";
};

/** `text` with its generated block replaced by `block` (inserted before the first section when absent). */
export const withSection = (text: string, block: string): string => {
  const a = text.indexOf(START);
  const b = text.indexOf(END);
  if (a >= 0 && b > a) return text.slice(0, a) + block + text.slice(b + END.length);
  const firstSection = text.indexOf("\n## ");
  return firstSection < 0 ? `${text.trimEnd()}\n\n${block}\n` : `${text.slice(0, firstSection)}\n${block}\n${text.slice(firstSection)}`;
};

const main = () => {
  const { values } = parseArgs({ options: { smoke: { type: "boolean", default: false }, only: { type: "string" }, out: { type: "string" } } });
  const only = values.only?.split(",").filter(Boolean);
  const unknown = only?.filter((id) => !SUITES.some((s) => s.id === id)) ?? [];
  if (unknown.length > 0) {
    console.error(`--only: no suite ${unknown.join(", ")}; the suites are ${SUITES.map((s) => s.id).join(", ")}`);
    process.exit(2);
  }
  const out = values.out ?? (values.smoke ? undefined : "bench/RESULTS.md");
  const runs: SuiteRun[] = [];
  for (const suite of SUITES) {
    if (only && !only.includes(suite.id)) continue;
    process.stderr.write(`bench: ${suite.id} …\n`);
    const r = runSuite(suite, values.smoke);
    process.stderr.write(`bench: ${suite.id} ${r.ok ? "ok" : "FAILED"} in ${r.seconds.toFixed(0)} s\n`);
    runs.push(r);
  }
  const before = out && existsSync(out) ? readFileSync(out, "utf8") : "# Benchmark results\n";
  const block = section(runs, values.smoke, sectionOf(before));
  if (out) {
    writeFileSync(out, withSection(before, block));
    // Biome formats the markdown tables (npm test lints the file).
    spawnSync(process.execPath, ["node_modules/@biomejs/biome/bin/biome", "format", "--write", out], { stdio: "ignore" });
    process.stderr.write(`bench: wrote ${out}\n`);
  } else console.log(block);
  if (runs.some((r) => !r.ok)) process.exit(1);
};

if (import.meta.url === `file://${process.argv[1]}`) main();
