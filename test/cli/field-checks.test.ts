/**
 * What TypeScript catches, the CLI catches too: misspelt fields in a module
 * the CLI does not type-check, or in a compiled JSON definition, and an
 * aggregate without a name, are invalid definitions (exit 2) that name the
 * stage, the field, the fields that exist and the fix — before anything runs.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { hashPlan } from "../../src/plan/compile.ts";
import { cli, repo, tempDir } from "./helpers.ts";

const dir = tempDir();
const clicks = join(dir, "clicks.jsonl");
writeFileSync(clicks, '{"userId":"a","ts":1}\n{"userId":"b","ts":2}\n');

const TSS = `nodes[1], stage "clicks.withTimestamps" (withTimestamps): the timestamp expression reads the field "tss", which is not a field of its input (its fields: userId, ts). Fix: did you mean "ts"?`;
const USER_I = `nodes[2], stage "clicks.keyBy" (keyBy): the keyBy field "userI" is not a field of its input (its fields: userId, ts). Fix: did you mean "userId"?`;

describe("field references on the command line", () => {
  it("run: exit 2 before reading anything, every misspelt field named with the closest one", async () => {
    const out = join(dir, "counts.jsonl");
    const r = await cli("run", repo("test/cli/fixtures/field-typos.ts"), "--in", `clicks=${clicks}`, "--out", `counts=${out}`);
    expect(r.code).toBe(2);
    expect(r.err).toContain("lockstep: invalid definition: 2 problems in the definition:");
    expect(r.err).toContain(TSS);
    expect(r.err).toContain(USER_I);
    expect(() => readFileSync(out)).toThrow();
  });

  it("compile: exit 2, nothing written", async () => {
    const r = await cli("compile", repo("test/cli/fixtures/field-typos.ts"), "-o", join(dir, "typos.json"));
    expect(r.code).toBe(2);
    expect(r.err).toContain(USER_I);
    expect(() => readFileSync(join(dir, "typos.json"))).toThrow();
  });

  it("validate and run of a JSON definition: exit 2, naming the stage, the field, the fields and the suggestion", async () => {
    const compiled = join(dir, "user-sequences.json");
    expect((await cli("compile", repo("examples/user-sequences.ts"), "-o", compiled)).code).toBe(0);
    const plan = JSON.parse(readFileSync(compiled, "utf8"));
    plan.nodes.find((n: { op: string }) => n.op === "keyBy").fields = ["userI"];
    const { hash: _h, ...rest } = plan;
    plan.hash = hashPlan(rest);
    const edited = join(dir, "edited.json");
    writeFileSync(edited, JSON.stringify(plan));
    const msg = `nodes[6], stage "events-items.keyBy" (keyBy): the keyBy field "userI" is not a field of its input (its fields: eventId, userId, itemId, type, ts, durationMs, category). Fix: did you mean "userId"?`;
    const v = await cli("validate", edited, "--executors", repo("examples/user-sequences.ts"));
    expect(v.code).toBe(2);
    expect(v.out).toBe("");
    expect(v.err).toBe(`lockstep: invalid definition: ${msg}\n`);
    const r = await cli(
      "run",
      edited,
      "--executors",
      repo("examples/user-sequences.ts"),
      "--in",
      `events=${repo("examples/data/events.jsonl")}`,
      "--in",
      `items=${repo("examples/data/items.jsonl")}`,
    );
    expect(r.code).toBe(2);
    expect(r.err).toContain(msg);
  });

  it("an aggregate without a name: exit 2 with the fix, not a crash", async () => {
    const r = await cli("run", repo("test/cli/fixtures/unnamed-aggregate.ts"), "--in", `clicks=${clicks}`);
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      "lockstep: invalid definition: combine: the count aggregate has no output name (combine takes an object of named aggregates; there is no default name). Fix: name it: L.combine({ count: L.count() })\n",
    );
  });
});
