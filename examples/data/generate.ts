/**
 * Regenerates the bundled sample data (deterministic: a fixed seed).
 *
 *   npx tsx examples/data/generate.ts
 *
 * events.jsonl holds out-of-order, duplicated and malformed events on purpose.
 */
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
let seed = 20261122;
const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;

const base = Date.UTC(2026, 10, 1);
const users = ["u1", "u2", "u3", "u4", "u5", "u6"];
const items = Array.from({ length: 20 }, (_, i) => `i${i + 1}`);
const categories = ["art", "food", "travel", "diy", "fashion"];

const itemRows: string[] = [];
for (const itemId of items) {
  let at = rand() < 0.3 ? base + Math.floor(rand() * 3_600_000 * 6) : base - 86_400_000; // some items appear late: early events get a null category
  const versions = 1 + Math.floor(rand() * 3);
  for (let v = 0; v < versions; v++) {
    itemRows.push(JSON.stringify({ itemId, category: pick(categories), updatedAt: at }));
    at += Math.floor(rand() * 3_600_000 * 12);
  }
}
writeFileSync(join(here, "items.jsonl"), itemRows.join("\n") + "\n");

const lines: string[] = [];
let clock = base;
for (let n = 1; n <= 240; n++) {
  clock += Math.floor(rand() * 600_000);
  const type = pick(["save", "click", "view", "view", "hide"] as const);
  const ts = clock - (rand() < 0.15 ? Math.floor(rand() * 3_600_000) : 0); // some arrive out of order
  const e: Record<string, unknown> = { eventId: `e${n}`, userId: pick(users), itemId: pick(items), type, ts };
  if (type === "view") e.durationMs = Math.floor(rand() * 3000);
  const line = JSON.stringify(e);
  lines.push(line);
  if (rand() < 0.05) lines.push(line); // an exact duplicate
}
lines.splice(40, 0, '{"eventId":"bad1","userId":"u1","itemId":"i1","type":"like","ts":1}');
lines.splice(90, 0, "{not json");
writeFileSync(join(here, "events.jsonl"), lines.join("\n") + "\n");
