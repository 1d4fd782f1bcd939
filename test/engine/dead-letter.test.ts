/**
 * The dead-letter size bound (docs/semantics.md §2), one rule for every
 * runner: a payload over DEAD_LETTER_PAYLOAD_BYTES keeps its first bytes, its
 * size and its SHA-256; smaller dead letters are untouched.
 */
import { createHash } from "node:crypto";
import { writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { boundDeadLetter, DEAD_LETTER_PAYLOAD_BYTES, DEAD_LETTER_REASON_CHARS } from "../../src/engine/dead-letter.ts";
import { canonicalJson } from "../../src/core/canonical.ts";
import { runDirect } from "../../runners/direct/index.ts";
import { runArquero } from "../../runners/arquero/index.ts";
import windowCount from "../../examples/window-count.ts";

const sha = (s: string) => createHash("sha256").update(Buffer.from(s, "utf8")).digest("hex");
const base = { source: "events", offset: 2, stage: "events", reason: "not JSON" };

describe("boundDeadLetter", () => {
  it("keeps a dead letter within the bound as it is", () => {
    const d = { ...base, raw: "x".repeat(DEAD_LETTER_PAYLOAD_BYTES) };
    expect(boundDeadLetter(d)).toBe(d);
  });

  it("cuts a raw payload to the bound, with its size and hash, never inside a character", () => {
    const raw = "a" + "é".repeat(DEAD_LETTER_PAYLOAD_BYTES); // 2-byte characters: the bound falls inside one
    const d = boundDeadLetter({ ...base, raw });
    expect(d.truncated).toEqual({ bytes: Buffer.byteLength(raw), sha256: sha(raw) });
    expect(Buffer.byteLength(d.raw!)).toBe(DEAD_LETTER_PAYLOAD_BYTES - 1);
    expect(raw.startsWith(d.raw!)).toBe(true);
  });

  it("turns a value too large into the first bytes of its canonical JSON", () => {
    const value = { z: 1, a: "v".repeat(DEAD_LETTER_PAYLOAD_BYTES) };
    const d = boundDeadLetter({ ...base, reason: "bad ts", value });
    expect("value" in d).toBe(false);
    expect(d.truncated).toEqual({ bytes: canonicalJson(value).length, sha256: sha(canonicalJson(value)) });
    expect(d.raw).toBe(canonicalJson(value).slice(0, DEAD_LETTER_PAYLOAD_BYTES));
  });

  it("cuts a very long reason", () => {
    const d = boundDeadLetter({ ...base, reason: "r".repeat(DEAD_LETTER_REASON_CHARS * 3) });
    expect(d.reason).toBe("r".repeat(DEAD_LETTER_REASON_CHARS) + "…");
  });
});

describe("every runner bounds its dead letters the same way", () => {
  const dir = mkdtempSync(join(tmpdir(), "lockstep-dead-letter-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it("a 400 KB non-JSON line: the same truncated dead letter on Direct and Arquero", async () => {
    const poison = "\u0001".repeat(400 * 1024);
    const events = join(dir, "events.jsonl");
    writeFileSync(events, [JSON.stringify({ key: "a", ts: 1000 }), poison, JSON.stringify({ key: "a", ts: 20_000 })].join("\n") + "\n");
    const direct = await runDirect(windowCount, { inputs: { events } });
    const arquero = await runArquero(windowCount, { inputs: { events } });
    expect(direct.deadLetters).toEqual([
      {
        source: "events",
        offset: 2,
        stage: "events",
        reason: expect.any(String),
        raw: poison.slice(0, DEAD_LETTER_PAYLOAD_BYTES),
        truncated: { bytes: poison.length, sha256: sha(poison) },
      },
    ]);
    expect(arquero.deadLetters).toEqual(direct.deadLetters);
    expect(arquero.outputs).toEqual(direct.outputs);
  });
});
