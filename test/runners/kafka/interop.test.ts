/**
 * Interop with a non-JavaScript Kafka client: kcat (librdkafka) produces the
 * flagship's input — the items table and, into a running KafkaStreamRunner's
 * source topic, the events, keyed by user — and consumes its sink topic with
 * read_committed; the rows are the DirectRunner's final view. librdkafka's
 * murmur2 partitioner puts every key where lockstep's own partitioner would.
 *
 * kcat is installed by scripts/kafka/ensure-kcat.sh where missing (apt, root
 * or sudo). If that fails this file is skipped — and says so loudly.
 */
import { spawn, spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { canonicalJson } from "../../../src/core/canonical.ts";
import { runDirect } from "../../../runners/direct/index.ts";
import { KafkaStreamRunner } from "../../../runners/kafka/index.ts";
import { partitionFor } from "../../../runners/kafka/murmur2.ts";
import userSequences from "../../../examples/user-sequences.ts";
import { appTopics, bag, brokers, engagement, freshApp, jsonl, kafkaForTests, repo, waitUntil } from "./helpers.ts";

const ensure = spawnSync("bash", [repo("scripts/kafka/ensure-kcat.sh")], { encoding: "utf8" });
const haveKcat = ensure.status === 0;
if (!haveKcat) {
  const why = `${ensure.stderr ?? ""}${ensure.error ? String(ensure.error) : ""}`.trim();
  console.error(
    `\n!!!!!!!!\n!!! interop.test.ts SKIPPED: kcat is not available and scripts/kafka/ensure-kcat.sh could not install it:\n!!! ${why}\n!!!!!!!!\n`,
  );
}

/** Runs kcat with `input` on stdin; resolves to stdout, rejects on a non-zero exit or after 30 s. */
const kcat = (args: readonly string[], input?: string): Promise<string> =>
  new Promise((resolve, reject) => {
    const p = spawn("kcat", ["-b", brokers().join(","), ...args], { stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    let err = "";
    const timer = setTimeout(() => {
      p.kill("SIGKILL");
      reject(new Error(`kcat ${args.join(" ")} timed out; stderr: ${err}`));
    }, 30_000);
    p.stdout.on("data", (d) => (out += String(d)));
    p.stderr.on("data", (d) => (err += String(d)));
    p.on("error", reject);
    p.on("close", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`kcat ${args.join(" ")} exited with ${code}: ${err}`));
    });
    p.stdin.end(input ?? "");
  });

/** The final view of a sink topic as kcat sees it: the last value per key (rows of multi-row panes flattened). */
const kcatView = async (topic: string): Promise<unknown[]> => {
  const out = await kcat(["-C", "-t", topic, "-o", "beginning", "-e", "-q", "-X", "isolation.level=read_committed", "-f", "%k\\t%s\\n"]);
  const last = new Map<string, string>();
  for (const line of out.split("\n")) {
    if (line === "") continue;
    const tab = line.indexOf("\t");
    last.set(line.slice(0, tab), line.slice(tab + 1));
  }
  return [...last.values()]
    .filter((v) => v !== "")
    .flatMap((v) => {
      const x = JSON.parse(v) as unknown;
      return Array.isArray(x) ? x : [x];
    });
};

describe.skipIf(!haveKcat)("kcat produces into and consumes from a running KafkaStreamRunner", () => {
  const { client, topics } = kafkaForTests();

  it("user-sequences: kcat's input, kcat's read_committed view = the DirectRunner's final view", async () => {
    const app = freshApp("interop");
    topics.push(...appTopics(userSequences, app));
    const { events, items } = engagement(83, 400);
    const direct = await runDirect(userSequences, { inputs: { events: jsonl("events", events), items: jsonl("items", items) } });
    const line = (r: object | string) => (typeof r === "string" ? r : JSON.stringify(r));

    // The table first (tables are read when the runner starts). Its topic is compacted: versions get
    // distinct keys (item@validFrom), or compaction would drop older versions.
    const itemsTopic = `${app.topicPrefix}items`;
    await client.createTopics([{ topic: itemsTopic, partitions: 1, compacted: true }]);
    const itemKey = (r: object | string, i: number) =>
      typeof r === "string" ? `bad${i}` : `${(r as { itemId: string }).itemId}@${String((r as { updatedAt?: unknown }).updatedAt)}#${i}`;
    await kcat(["-P", "-t", itemsTopic, "-K:"], items.map((r, i) => `${itemKey(r, i)}:${line(r)}`).join("\n") + "\n");

    const runner = new KafkaStreamRunner({ brokers: brokers(), ...app });
    await runner.start(userSequences);
    try {
      // Events keyed by user with librdkafka's Java-compatible partitioner (kcat's default is CRC32-based).
      const source = `${app.topicPrefix}events`;
      const userOf = (r: object | string) => (typeof r === "string" ? "nobody" : ((r as { userId?: string }).userId ?? "nobody"));
      await kcat(["-P", "-t", source, "-K:", "-X", "topic.partitioner=murmur2_random"], events.map((r) => `${userOf(r)}:${line(r)}`).join("\n") + "\n");

      let seen: unknown[] = [];
      await waitUntil(
        "kcat's view of the sink equals the DirectRunner's final view",
        async () => {
          if (runner.error() !== undefined) throw runner.error();
          seen = await kcatView(`${app.topicPrefix}sequences`);
          return canonicalJson(bag(seen)) === canonicalJson(bag(direct.outputs.sequences!));
        },
        60_000,
      ).catch((e: unknown) => {
        expect(bag(seen), String(e)).toEqual(bag(direct.outputs.sequences!));
      });
      expect(seen.length).toBe(direct.outputs.sequences!.length);

      // Every key is where lockstep's murmur2 would have put it.
      const produced = await client.readAll(source);
      expect(produced.length).toBe(events.length);
      for (const m of produced) expect(m.partition, `key ${m.key}`).toBe(partitionFor(m.key!, 3));
    } finally {
      await runner.stop();
    }
    // One dead letter per undecodable event and per bad item row.
    const dead = await client.readAll(`${app.appId}.dead-letters`);
    expect(dead.length).toBe(direct.deadLetters.length);
  });
});
