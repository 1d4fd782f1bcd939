/**
 * `lockstep run --runner flink --gateway URL` as a user runs it: the
 * window-count example under each window kind the slice takes writes the
 * same sink, dead-letter and late files as the DirectRunner, byte for byte.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, inject, it } from "vitest";
import { cli, repo, tempDir } from "../../cli/helpers.ts";

const gateway = inject("flinkGateway");

describe("lockstep run --runner flink", () => {
  const dir = tempDir();
  const files = (runner: string, window: string): string[] => [
    "--out",
    `counts=${join(dir, `${runner}-${window}-counts.jsonl`)}`,
    "--dead-letters",
    join(dir, `${runner}-${window}-dead.jsonl`),
    "--late",
    join(dir, `${runner}-${window}-late.jsonl`),
  ];
  for (const [i, window] of ["fixed:10s+2s", "sliding:30s/5s", "global"].entries()) {
    it(`window-count with ${window}: the DirectRunner's files`, async () => {
      const args = [
        "run",
        repo("examples/window-count.ts"),
        "--in",
        `events=${repo("examples/data/window-events.jsonl")}`,
        "--param",
        `window=${window}`,
        "--param",
        "lateness=5s",
        "-q",
      ];
      const direct = await cli(...args, ...files("direct", `w${i}`));
      expect(direct.code, direct.err).toBe(0);
      const flink = await cli(...args, "--runner", "flink", "--gateway", gateway, ...files("flink", `w${i}`));
      expect(flink.code, flink.err).toBe(0);
      for (const f of ["counts", "dead", "late"]) {
        expect(readFileSync(join(dir, `flink-w${i}-${f}.jsonl`), "utf8")).toBe(readFileSync(join(dir, `direct-w${i}-${f}.jsonl`), "utf8"));
      }
      expect(readFileSync(join(dir, `direct-w${i}-counts.jsonl`), "utf8").length).toBeGreaterThan(0);
    });
  }

  it("wordcount (a flatMap and a filter in GraalJS): the DirectRunner's files", async () => {
    const args = ["run", repo("examples/wordcount.ts"), "--in", `lines=${repo("examples/data/lines.jsonl")}`, "-q"];
    const out = (runner: string) => ["--out", `counts=${join(dir, `${runner}-wc.jsonl`)}`, "--dead-letters", join(dir, `${runner}-wc-dead.jsonl`)];
    const direct = await cli(...args, ...out("direct"));
    expect(direct.code, direct.err).toBe(0);
    const flink = await cli(...args, "--runner", "flink", "--gateway", gateway, ...out("flink"));
    expect(flink.code, flink.err).toBe(0);
    for (const f of ["wc", "wc-dead"]) expect(readFileSync(join(dir, `flink-${f}.jsonl`), "utf8")).toBe(readFileSync(join(dir, `direct-${f}.jsonl`), "utf8"));
    // The example's data has lines that are not records (dead letters) and words to count.
    expect(readFileSync(join(dir, "direct-wc.jsonl"), "utf8").length).toBeGreaterThan(0);
    expect(readFileSync(join(dir, "direct-wc-dead.jsonl"), "utf8").length).toBeGreaterThan(0);
  });

  it("sessions (first and last per session): the DirectRunner's files", async () => {
    const args = ["run", repo("examples/sessions.ts"), "--in", `clicks=${repo("examples/data/clicks.jsonl")}`, "-q"];
    const out = (runner: string) => [
      "--out",
      `sessions=${join(dir, `${runner}-s.jsonl`)}`,
      "--dead-letters",
      join(dir, `${runner}-s-dead.jsonl`),
      "--late",
      join(dir, `${runner}-s-late.jsonl`),
    ];
    const direct = await cli(...args, ...out("direct"));
    expect(direct.code, direct.err).toBe(0);
    const flink = await cli(...args, "--runner", "flink", "--gateway", gateway, ...out("flink"));
    expect(flink.code, flink.err).toBe(0);
    for (const f of ["s", "s-dead", "s-late"])
      expect(readFileSync(join(dir, `flink-${f}.jsonl`), "utf8")).toBe(readFileSync(join(dir, `direct-${f}.jsonl`), "utf8"));
    expect(readFileSync(join(dir, "direct-s.jsonl"), "utf8")).toMatch(/"firstPage":/);
  });
});
