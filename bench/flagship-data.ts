/**
 * Generated input for the flagship pipeline (`examples/user-sequences.ts`):
 * `events.jsonl` (save/click/view/hide engagements, 2 % duplicate event ids,
 * timestamps up to 0.5 s out of order) and `items.jsonl` (2,000 items, one
 * version each), written once per size into the OS temp directory and reused.
 * Shared by the state-scale and Flink-vs-Arquero benchmarks.
 *
 * @module
 */
import { createWriteStream, existsSync, mkdirSync, renameSync } from "node:fs";
import { once } from "node:events";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Where one size's files are. */
export interface FlagshipData {
  readonly dir: string;
  readonly eventsFile: string;
  readonly itemsFile: string;
}

/** Writes `lines()` to `path` through a temp file, so an interrupted run never leaves half a file. */
const writeLines = async (path: string, lines: () => Generator<string>): Promise<void> => {
  const tmp = `${path}.tmp`;
  const out = createWriteStream(tmp);
  let chunk: string[] = [];
  for (const line of lines()) {
    chunk.push(line);
    if (chunk.length === 10_000) {
      if (!out.write(chunk.join(""))) await once(out, "drain");
      chunk = [];
    }
  }
  out.end(chunk.join(""));
  await once(out, "finish");
  renameSync(tmp, path);
};

/** The flagship's input of `events` events over `users` users (generated on first use, deterministic). */
export const flagshipData = async (events: number, users: number): Promise<FlagshipData> => {
  const dir = join(tmpdir(), `lockstep-state-scale-v2-${events}-${users}`);
  const data = { dir, eventsFile: join(dir, "events.jsonl"), itemsFile: join(dir, "items.jsonl") };
  if (existsSync(data.eventsFile) && existsSync(data.itemsFile)) return data;
  mkdirSync(dir, { recursive: true });
  // mulberry32 in 32-bit integer arithmetic: an LCG computed in doubles (seed * 1103515245 passes 2^53)
  // loses bits and falls into a short cycle, which drew only ~2,500 distinct users out of a million.
  let a = 42;
  const rand = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const TYPES = ["save", "click", "view", "hide"] as const;
  await writeLines(data.itemsFile, function* () {
    for (let i = 0; i < 2000; i++) yield `{"itemId":"i${i}","category":"c${i % 17}","updatedAt":0}\n`;
  });
  await writeLines(data.eventsFile, function* () {
    for (let n = 0; n < events; n++) {
      const type = TYPES[Math.floor(rand() * 4)]!;
      const user = Math.floor(rand() * users);
      const item = Math.floor(rand() * 2000);
      const ts = 1_000_000 + n * 10 - Math.floor(rand() * 500);
      const duration = type === "view" ? `,"durationMs":${Math.floor(rand() * 3000)}` : "";
      yield `{"eventId":"e${Math.floor(n * 0.98)}","userId":"u${user}","itemId":"i${item}","type":"${type}","ts":${ts}${duration}}\n`;
    }
  });
  return data;
};
