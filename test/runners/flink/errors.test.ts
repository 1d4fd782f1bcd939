/**
 * The Flink runner's failures as a user meets them through `lockstep run --runner flink`, with the
 * exit codes of every runner (0 ok, 1 the run failed, 2 bad usage or an invalid definition): an
 * executor that throws fails the job with its message, or with `--on-executor-error dead-letter`
 * is the element's dead letter as on the DirectRunner; a gateway that is down is named with its
 * address; a record Flink's STRING columns cannot hold fails the run naming the source, offset and
 * field; a definition outside the slice is refused with the stage and the reason before anything
 * runs. Nothing is written for a failed run.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { describe, expect, inject, it } from "vitest";
import { cli, repo, tempDir } from "../../cli/helpers.ts";
import { brokers } from "../kafka/helpers.ts";

const gateway = inject("flinkGateway");

/** A port on 127.0.0.1 that nothing listens on (bound, then closed). */
const closedPort = async (): Promise<number> => {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
};

/** `lockstep run examples/window-count.ts --runner flink` through `gateway`, reading `events` (a file or a topic), writing `out`. */
const windowCount = (gateway: string, events: string, out: string) =>
  cli("run", repo("examples/window-count.ts"), "--runner", "flink", "--gateway", gateway, "--in", `events=${events}`, "--out", `counts=${out}`, "-q");

describe("lockstep run --runner flink: failures", () => {
  const dir = tempDir();
  const rows = join(dir, "rows.jsonl");
  writeFileSync(
    rows,
    `${[
      { id: "a", n: 1 },
      { id: "b", n: 3 },
      { id: "c", n: 4 },
    ]
      .map((r) => JSON.stringify(r))
      .join("\n")}\n`,
  );
  const fixture = repo("test/cli/fixtures/throws.ts");

  it("an executor that throws in GraalJS fails the job: exit 1 with the executor's message, no output", async () => {
    const out = join(dir, "throws.jsonl");
    const r = await cli("run", fixture, "--runner", "flink", "--gateway", gateway, "--in", `rows=${rows}`, "--out", `out=${out}`, "-q");
    expect(r.code, r.err).toBe(1);
    expect(r.err).toMatch(/^lockstep: run failed: /);
    expect(r.err).toContain("three is not allowed");
    expect(existsSync(out)).toBe(false);
  });

  it("with --on-executor-error dead-letter the element is a dead letter and the run goes on: the DirectRunner's files", async () => {
    const files = (runner: string) => ["--out", `out=${join(dir, `dl-${runner}.jsonl`)}`, "--dead-letters", join(dir, `dl-${runner}-dead.jsonl`)];
    const args = ["run", fixture, "--in", `rows=${rows}`, "--on-executor-error", "dead-letter", "-q"];
    const direct = await cli(...args, ...files("direct"));
    expect(direct.code, direct.err).toBe(0);
    const flink = await cli(...args, "--runner", "flink", "--gateway", gateway, ...files("flink"));
    expect(flink.code, flink.err).toBe(0);
    const read = (f: string) => readFileSync(join(dir, f), "utf8");
    expect(read("dl-flink.jsonl")).toBe(read("dl-direct.jsonl"));
    expect(read("dl-flink-dead.jsonl")).toBe(read("dl-direct-dead.jsonl"));
    // By hand: b (n = 3) is the dead letter, a and c are doubled.
    expect(read("dl-direct.jsonl")).toBe('{"id":"a","n2":2}\n{"id":"c","n2":8}\n');
    expect(JSON.parse(read("dl-direct-dead.jsonl"))).toMatchObject({
      offset: 2,
      reason: "executor double@1 failed: three is not allowed",
      value: { id: "b", n: 3 },
    });
  });

  it("a gateway that is down: exit 1 naming its address", async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const out = join(dir, "down.jsonl");
    const r = await windowCount(url, repo("examples/data/window-events.jsonl"), out);
    expect(r.code, r.err).toBe(1);
    expect(r.err).toContain(`cannot reach the Flink SQL Gateway at ${url}`);
    expect(existsSync(out)).toBe(false);
  });

  it("a topic input that does not exist: exit 1 naming the topic, not an empty answer", async () => {
    const out = join(dir, "no-topic.jsonl");
    const r = await windowCount(gateway, `kafka://${brokers().join(",")}/no-such-topic-${Date.now()}`, out);
    expect(r.code, r.err).toBe(1);
    expect(r.err).toMatch(/Failed to get metadata for topics \[no-such-topic-\d+\]/);
    expect(r.err).toMatch(/UnknownTopicOrPartitionException/);
    expect(existsSync(out)).toBe(false);
  });

  it("a string Flink cannot hold (a lone surrogate) fails the run naming source, offset and field", async () => {
    const bad = join(dir, "surrogate.jsonl");
    writeFileSync(bad, '{"id":"a","n":1}\n{"id":"\\ud800","n":2}\n');
    const r = await cli("run", fixture, "--runner", "flink", "--gateway", gateway, "--in", `rows=${bad}`, "--out", `out=${join(dir, "s.jsonl")}`, "-q");
    expect(r.code, r.err).toBe(1);
    expect(r.err).toMatch(/rows: the record at offset 2: the field "id" holds a lone surrogate/);
  });

  it("a definition outside the slice: exit 2 with the stage and the reason, before anything runs", async () => {
    // The gateway is never reached: an unreachable one shows it.
    const url = `http://127.0.0.1:${await closedPort()}`;
    const r = await cli(
      "run",
      repo("examples/nexmark/q4.ts"),
      "--runner",
      "flink",
      "--gateway",
      url,
      "--in",
      `events=${rows}`,
      "--out",
      `out=${join(dir, "q4.jsonl")}`,
      "-q",
    );
    expect(r.code, r.err).toBe(2);
    expect(r.err).toMatch(/a withTimestamps after a combine is not in the Flink slice/);
    expect(r.err).not.toContain("cannot reach");
  });
});
