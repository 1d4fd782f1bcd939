/**
 * `lockstep diff` shows what differs — the changed fields, for arrays the
 * first differing element and its index — not whole rows.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, tempDir, writeJsonl } from "./helpers.ts";

const dir = tempDir();
const ev = (i: number) => ({ item: `i${i}`, ts: 1000 + i });
const events = Array.from({ length: 40 }, (_, i) => ev(i));

const a = writeJsonl(join(dir, "a.jsonl"), [
  { user: "u1", n: 1, events, profile: { tier: "gold", tags: ["x", "y"] } },
  { user: "u2", n: 2, events },
  { user: "u3", n: 3, events },
  { user: "u4", n: 4, events: [] },
  { user: "u5", n: 5, events, extraField: true },
  { user: "gone", n: 6, events },
]);
const b = writeJsonl(join(dir, "b.jsonl"), [
  { user: "u1", n: 1, events: events.map((e, i) => (i === 17 ? { ...e, ts: 9999 } : e)), profile: { tier: "silver", tags: ["x", "z"] } },
  { user: "u2", n: 2, events: events.slice(1) },
  { user: "u3", n: 3, events: [...events, ev(40)] },
  { user: "u4", n: 40, events: [] },
  { user: "u5", n: 5, events },
  { user: "new", n: 7, events: [] },
]);

describe("lockstep diff: what differs", () => {
  it("lists the changed fields per key, and for arrays the first differing element with its index", async () => {
    const r = await cli("diff", a, b, "--key", "user");
    expect(r.code).toBe(1);
    const examples = r.out.slice(r.out.indexOf("\n  mismatched keys"));
    expect(examples.split("\n")).toEqual([
      "",
      `  mismatched keys (first ones; ${a} → ${b}):`,
      '    {"user":"u1"}',
      "      events[17].ts: 1017 → 9999",
      '      profile.tags[1]: "y" → "z"',
      '      profile.tier: "gold" → "silver"',
      '    {"user":"u2"}',
      "      events: 40 → 39 elements",
      '      events[0].item: "i0" → "i1"',
      "      events[0].ts: 1000 → 1001",
      '    {"user":"u3"}',
      "      events: 40 → 41 elements",
      '      events[40]: (absent) → {"item":"i40","ts":1040}',
      '    {"user":"u4"}',
      "      n: 4 → 40",
      '    {"user":"u5"}',
      "      extraField: true → (absent)",
      "",
      `  missing from ${b} (first ones):`,
      '    {"user":"gone"}',
      `      ${a}: {"events":[{"item":"i0","ts":1000},{"item":"i1","ts":1001},{"item":"i2","ts":1002},{"item":"i3","ts…`, // cut at 100 characters,
      "",
      `  extra in ${b} (first ones):`,
      '    {"user":"new"}',
      `      ${b}: {"events":[],"n":7,"user":"new"}`,
      "",
    ]);
    expect(r.out.length).toBeLessThan(2500); // the six 40-element rows alone are 6 KB
  });

  it("keeps the summary figures", async () => {
    const r = await cli("diff", a, b, "--key", "user");
    const head = r.out.slice(0, r.out.indexOf("\n  mismatched keys")).split("\n");
    expect(head).toEqual([
      `DIFFERENT: ${a} (6 rows) vs ${b} (6 rows), key user`,
      `  keys:        7 total, 6 in ${a}, 6 in ${b}`,
      "  matching:    0 (0%)",
      `  missing:     1 (only in ${a})`,
      `  extra:       1 (only in ${b})`,
      "  mismatched:  5",
      "",
      "  field mismatch rates (over keys with one row on each side):",
      // a field is compared where either side has it: extraField and profile only for u5 and u1
      "    events           3 / 5       60.00%",
      "    extraField       1 / 1         100%",
      "    n                1 / 5       20.00%",
      "    profile          1 / 1         100%",
      "",
      "  sequence fields, edit distance (element insertions, deletions, substitutions):",
      "    events: mean 0.60, p50 1, p90 1, p99 1, max 1",
      "      0: 2  1: 3  2: 0  3-5: 0  6-10: 0  >10: 0",
      "",
    ]);
  });

  it("keys with several rows show the rows each side lacks, shortened; --json carries the changes", async () => {
    const c = writeJsonl(join(dir, "c.jsonl"), [
      { k: 1, v: 1 },
      { k: 1, v: 2 },
    ]);
    const d = writeJsonl(join(dir, "d.jsonl"), [
      { k: 1, v: 2 },
      { k: 1, v: 3 },
    ]);
    const r = await cli("diff", c, d, "--key", "k");
    expect(r.out.slice(r.out.indexOf("\n  mismatched keys")).split("\n")).toEqual([
      "",
      `  mismatched keys (first ones; ${c} → ${d}):`,
      '    {"k":1}',
      `      only in ${c}: {"k":1,"v":1}`,
      `      only in ${d}: {"k":1,"v":3}`,
      "",
    ]);
    const j = JSON.parse((await cli("diff", a, b, "--key", "user", "--json")).out) as { examples: { mismatched: { changes: unknown[] }[] } };
    expect(j.examples.mismatched[3]!.changes).toEqual([{ path: "n", a: 4, b: 40 }]);
  });
});
