import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, readJsonl, repo, tempDir, writeJsonl } from "./helpers.ts";

const dir = tempDir();
const wordcount = repo("examples/wordcount.ts");
const windowCount = repo("examples/window-count.ts");
const userSequences = repo("examples/user-sequences.ts");

// "b a" / "A c a" → a:3, b:1, c:1; two malformed lines for the dead letters.
const lines = writeJsonl(join(dir, "lines.jsonl"), [{ line: "b a" }, { line: "A c a" }, "not json", { text: "x" }]);

describe("lockstep run: outputs", () => {
  it("writes the final view sorted by output key as canonical JSONL, and accounts for every record", async () => {
    const out = join(dir, "wc/counts.jsonl"); // parent directory created on demand
    const dead = join(dir, "wc/dead.jsonl");
    const r = await cli("run", wordcount, "--in", `lines=${lines}`, "--out", `counts=${out}`, "--dead-letters", dead);
    expect(r.code).toBe(0);
    expect(r.out).toBe("");
    // Canonical: keys sorted, no spaces, "\n" after every line; rows sorted by word.
    expect(readFileSync(out, "utf8")).toBe('{"count":3,"word":"a"}\n{"count":1,"word":"b"}\n{"count":1,"word":"c"}\n');
    const dl = readJsonl(dead) as { source: string; offset: number; reason: string; raw?: string }[];
    expect(dl.map((d) => [d.source, d.offset])).toEqual([
      ["lines", 3],
      ["lines", 4],
    ]);
    expect(dl[0]!.raw).toBe("not json");
    expect(dl[0]!.reason).toMatch(/invalid JSON/);
    expect(dl[1]!.reason).toMatch(/missing field "line"/);
    expect(r.err).toContain("source lines: 4 read = 2 accepted + 2 dead letters");
    expect(r.err).toContain(`sink counts: 3 rows → ${out}`);
  });

  it("is silent with --quiet, and names the first dead letter when they are not written", async () => {
    const out = join(dir, "q.jsonl");
    expect(await cli("run", wordcount, "--in", `lines=${lines}`, "--out", `counts=${out}`, "-q")).toEqual({ code: 0, out: "", err: "" });
    const r = await cli("run", wordcount, "--in", `lines=${lines}`);
    expect(r.code).toBe(0);
    expect(r.err).toContain("sink counts: 3 rows (not written: add --out counts=path)");
    expect(r.err).toMatch(/first dead letter: lines:3: invalid JSON.*--dead-letters/);
  });

  it("writes late elements with --late and applies --param", async () => {
    // Key a: 1000, 12000, then 5000 arrives with a's clock at 12000 ≥ end 10000 → late.
    // Key b: 5000 is judged by b's own clock (5000) → on time.
    const events = writeJsonl(join(dir, "late-events.jsonl"), [
      { key: "a", ts: 1000 },
      { key: "a", ts: 12000 },
      { key: "a", ts: 5000 },
      { key: "b", ts: 5000 },
    ]);
    const out = join(dir, "late-counts.jsonl");
    const late = join(dir, "late.jsonl");
    const r = await cli("run", windowCount, "--in", `events=${events}`, "--out", `counts=${out}`, "--late", late, "--param", "window=fixed:10s");
    expect(r.code).toBe(0);
    expect(readJsonl(out)).toEqual([
      { key: "a", windowStart: 0, windowEnd: 10000, count: 1 },
      { key: "a", windowStart: 10000, windowEnd: 20000, count: 1 },
      { key: "b", windowStart: 0, windowEnd: 10000, count: 1 },
    ]);
    expect(readJsonl(late)).toMatchObject([
      { source: "events", offset: 3, eventTime: 5000, clock: 12000, windowStart: 0, windowEnd: 10000, value: { key: "a", ts: 5000 } },
    ]);
    expect(r.err).toContain(`1 late (element, window) pairs dropped → ${late}`);

    // With 5s of allowed lateness the same element counts: 12000 < 10000 + 5000.
    const r2 = await cli(
      "run",
      windowCount,
      "--in",
      `events=${events}`,
      "--out",
      `counts=${out}`,
      "--late",
      late,
      "--param",
      "window=fixed:10s",
      "--param",
      "lateness=5s",
    );
    expect(r2.code).toBe(0);
    expect(readJsonl(out)).toContainEqual({ key: "a", windowStart: 0, windowEnd: 10000, count: 2 });
    expect(readFileSync(late, "utf8")).toBe("");
  });

  it("accepts options before the pipeline argument", async () => {
    const out = join(dir, "before.jsonl");
    const r = await cli("run", "--in", `lines=${lines}`, "--out", `counts=${out}`, "-q", wordcount);
    expect(r).toEqual({ code: 0, out: "", err: "" });
    expect(readJsonl(out)).toHaveLength(3);
  });

  it("runs the bundled flagship data: 2 malformed events go to the dead letters", async () => {
    const dead = join(dir, "flagship-dead.jsonl");
    const r = await cli(
      "run",
      userSequences,
      "--in",
      `events=${repo("examples/data/events.jsonl")}`,
      "--in",
      `items=${repo("examples/data/items.jsonl")}`,
      "--dead-letters",
      dead,
    );
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/source events: (\d+) read = (\d+) accepted \+ 2 dead letters/);
    const [, read, accepted] = /source events: (\d+) read = (\d+) accepted/.exec(r.err)!;
    expect(Number(read)).toBe(Number(accepted) + 2);
    expect(r.err).toContain("table items: 38 read = 38 accepted + 0 dead letters");
    expect(readJsonl(dead)).toHaveLength(2);
  });
});

describe("lockstep run: refused with exit 2 and the fix", () => {
  const usage = async (args: string[], ...messages: (string | RegExp)[]) => {
    const r = await cli(...args);
    expect(r.code).toBe(2);
    for (const m of messages) expect(r.err).toMatch(m);
    expect(r.err).toMatch(/Fix:|--help/);
    return r;
  };

  it("Kafka options without --runner kafka", async () => {
    await usage(["run", wordcount, "--in", `lines=${lines}`, "--follow"], "options of the Kafka runner", "--runner kafka");
  });

  it("--follow with files", async () => {
    await usage(["run", wordcount, "--runner", "kafka", "--follow", "--in", `lines=${lines}`], "--follow reads and writes topics, not files");
  });

  it("an unknown runner", async () => {
    await usage(["run", wordcount, "--runner", "spark"], /spark.*invalid/i);
  });

  it("a missing input", async () => {
    await usage(["run", userSequences, "--in", `events=${repo("examples/data/events.jsonl")}`], '"items"', "--in items=");
  });

  it("an input file that does not exist (before running anything)", async () => {
    await usage(["run", wordcount, "--in", `lines=${join(dir, "nope.jsonl")}`], "nope.jsonl", "ENOENT", "check the path");
  });

  it("an input for no source", async () => {
    await usage(["run", wordcount, "--in", `lines=${lines}`, "--in", `words=${lines}`], 'no source or table "words"', "use one of lines");
  });

  it("an unknown sink", async () => {
    await usage(["run", wordcount, "--in", `lines=${lines}`, "--out", `words=${join(dir, "w.jsonl")}`], 'has no sink "words"', "use one of counts");
  });

  it("an unknown parameter, on a module with and without parameters", async () => {
    await usage(["run", windowCount, "--in", `events=${lines}`, "--param", "windw=global"], 'has no parameter "windw"', "use one of window, lateness");
    await usage(["run", wordcount, "--in", `lines=${lines}`, "--param", "x=1"], 'has no parameter "x"', "takes no parameters");
  });

  it("a bad parameter value", async () => {
    await usage(["run", windowCount, "--in", `events=${lines}`, "--param", "window=weekly"], 'unknown window kind "weekly"');
  });

  it("bad --in / --out / --param syntax", async () => {
    await usage(["run", wordcount, "--in", "lines"], "--in lines: expected NAME=VALUE", "--in events=events.jsonl");
    await usage(["run", wordcount, "--in", "=x.jsonl"], "--in =x.jsonl: expected NAME=VALUE");
    await usage(["run", wordcount, "--in", `lines=${lines}`, "--out", "counts"], "--out counts: expected NAME=VALUE");
    await usage(["run", windowCount, "--param", "global"], "--param global: expected NAME=VALUE", "--param window=fixed:10s");
    await usage(["run", wordcount, "--in", `lines=${lines}`, "--in", `lines=${lines}`], "given twice");
  });

  it("a path with no known format, for inputs and outputs", async () => {
    await usage(["run", wordcount, "--in", `lines=${join(dir, "lines.txt")}`], "lines.txt: cannot tell the record format", ".jsonl, .csv, .arrow or .parquet");
    await usage(["run", wordcount, "--in", `lines=${lines}`, "--out", `counts=${join(dir, "c.txt")}`], "--out counts=", "c.txt");
    await usage(["run", wordcount, "--in", `lines=${lines}`, "--dead-letters", join(dir, "d.gz")], "--dead-letters");
  });

  it("a Kafka topic as an input outside the Flink runner, or not written as kafka://HOST:PORT/TOPIC", async () => {
    await usage(["run", wordcount, "--in", "lines=kafka://127.0.0.1:9092/lines"], "only --runner flink reads a Kafka topic", "--runner flink");
    await usage(["run", wordcount, "--runner", "arquero", "--in", "lines=kafka://127.0.0.1:9092/lines"], "only --runner flink reads a Kafka topic");
    await usage(["run", wordcount, "--runner", "flink", "--in", "lines=kafka://127.0.0.1:9092"], "not a topic input", "kafka://HOST:PORT");
  });

  it("two things on stdout", async () => {
    await usage(["run", wordcount, "--in", `lines=${lines}`, "--out", "counts=-", "--dead-letters", "-"], "would mix on stdout");
  });

  it("a pipeline path that is not a module or definition, or does not exist", async () => {
    await usage(["run", join(dir, "p.yaml")], "neither a pipeline module");
    await usage(["run", join(dir, "missing.ts")], "cannot be imported");
    await usage(["run", join(dir, "missing.json")], "cannot be read (ENOENT)");
  });

  it("a pipeline whose body throws while it is built (not a failed run)", async () => {
    await usage(
      ["run", repo("test/cli/fixtures/bad-build.ts"), "--param", "mode=x"],
      "bad-build.ts: the pipeline cannot be built: mode must be",
      "Fix: correct the pipeline module or the --param values",
    );
  });

  it("a module without a pipeline as its default export", async () => {
    await usage(["run", repo("test/cli/helpers.ts")], "has no pipeline as its default export", "export default L.pipeline");
  });

  it("commander's own errors: missing argument, unknown option, unknown command", async () => {
    await usage(["run"], "missing required argument 'pipeline'");
    await usage(["run", wordcount, "--frobnicate"], "unknown option '--frobnicate'");
    await usage(["frob"], "unknown command 'frob'");
  });
});

describe("lockstep run: an executor that throws", () => {
  const fixture = repo("test/cli/fixtures/throws.ts");
  const rows = writeJsonl(join(dir, "rows.jsonl"), [
    { id: "a", n: 1 },
    { id: "b", n: 3 },
    { id: "c", n: 4 },
  ]);

  it("fails the run with exit 1, naming the stage, the executor and the element", async () => {
    const out = join(dir, "throws-out.jsonl");
    const r = await cli("run", fixture, "--in", `rows=${rows}`, "--out", `out=${out}`);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^lockstep: run failed: /);
    expect(r.err).toContain("double@1"); // executor
    expect(r.err).toContain('stage "rows.apply"'); // stage
    expect(r.err).toContain("rows:2"); // source:offset
    expect(r.err).toContain('{"id":"b","n":3}'); // the element
    expect(r.err).toContain("three is not allowed"); // what it threw
    expect(() => readFileSync(out)).toThrow(); // nothing written for a failed run
  });

  it("with --on-executor-error dead-letter, sends the element to the dead letters and goes on", async () => {
    const out = join(dir, "throws-dl-out.jsonl");
    const dead = join(dir, "throws-dl.jsonl");
    const r = await cli("run", fixture, "--in", `rows=${rows}`, "--out", `out=${out}`, "--dead-letters", dead, "--on-executor-error", "dead-letter");
    expect(r.code).toBe(0);
    expect(readJsonl(out)).toEqual([
      { id: "a", n2: 2 },
      { id: "c", n2: 8 },
    ]);
    expect(readJsonl(dead)).toMatchObject([{ source: "rows", offset: 2, stage: "rows.apply", value: { id: "b", n: 3 } }]);
    expect((readJsonl(dead)[0] as { reason: string }).reason).toMatch(/double@1 failed: three is not allowed/);
    expect(r.err).toContain("source rows: 3 read = 3 accepted + 0 dead letters");
    expect(r.err).toContain("1 elements rejected by stages");
  });
});
