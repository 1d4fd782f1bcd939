/**
 * What users see of a Kafka run (issue 9 §4): a sink record's key is the
 * output key as JSON — the key fields plus the window, as Kafka Streams keys
 * windowed results — with lockstep's own pane name in a header; and the run's
 * summary counts a table's rows once, not once per task that loads it.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import * as t from "io-ts";
import { describe, expect, it } from "vitest";
import * as L from "../../../dsl/index.ts";
import { runDirect } from "../../../runners/direct/index.ts";
import { runKafka } from "../../../runners/kafka/index.ts";
import windowCount from "../../../examples/window-count.ts";
import userSequences from "../../../examples/user-sequences.ts";
import { brokers, expectParity, jsonl, kafkaForTests, repo } from "./helpers.ts";
import { SOURCE_BIN } from "../../cli/helpers.ts";

const { client, topics } = kafkaForTests();

describe("sink topics", () => {
  it("key each record by its output key as JSON; the pane's internal name is in the lockstep-pane header", async () => {
    const events = jsonl("keys", [
      { key: "a", ts: 1000 },
      { key: "b", ts: 2000 },
      { key: "a", ts: 12_000 },
      { key: "a", ts: 13_000 },
    ]);
    const logs: Record<string, unknown>[] = [];
    const kafka = await runKafka(windowCount, { inputs: { events }, brokers: brokers(), partitions: 3, keepTopics: true, log: (e) => logs.push(e) });
    const app = String(logs.find((e) => e.event === "run")!.app);
    const sink = `${app}.counts`;
    topics.push(...(await topicsOf(app)));
    const messages = await client.readAll(sink);
    const last = new Map<string, unknown>();
    for (const m of messages) {
      expect(m.headers["lockstep-pane"], "the pane header").toMatch(/\|/);
      last.set(m.key!, JSON.parse(m.value!));
    }
    // The last record per key is the final view, and each key is the row's key and window.
    expect([...last.keys()].map((k) => JSON.parse(k)).sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)))).toEqual([
      { key: "a", windowStart: 0, windowEnd: 10_000 },
      { key: "a", windowStart: 10_000, windowEnd: 20_000 },
      { key: "b", windowStart: 0, windowEnd: 10_000 },
    ]);
    for (const [k, row] of last) expect(row).toMatchObject(JSON.parse(k));
    expect(kafka.outputs.counts).toEqual([...last.values()].sort((x: any, y: any) => x.key.localeCompare(y.key) || x.windowStart - y.windowStart));
  });

  it("two aggregates flattened into one sink with the same output key keep their own panes", async () => {
    const Ev = t.type({ k: t.string, ts: t.number });
    const p = L.pipeline("two-in-one-sink", { version: 1 }, ({ source, sink }) => {
      const counted = (name: string, agg: "clicks" | "views") =>
        L.pipe(
          source(name, Ev, { key: "k" }),
          L.withTimestamps((e) => e.field("ts")),
          L.keyBy("k"),
          L.window(L.fixed(10)),
          L.combine(agg === "clicks" ? { clicks: L.count() } : { views: L.count() }),
        );
      return L.pipe(L.flatten([counted("p", "clicks"), counted("q", "views")]), sink("out"));
    });
    const inputs = {
      p: jsonl("p", [
        { k: "a", ts: 1 },
        { k: "a", ts: 12 },
      ]),
      q: jsonl("q", [
        { k: "a", ts: 2 },
        { k: "a", ts: 3 },
      ]),
    };
    const direct = await runDirect(p, { inputs });
    expect(direct.outputs.out).toHaveLength(3);
    expectParity(await runKafka(p, { inputs, brokers: brokers(), partitions: 3 }), direct, "two aggregates in one sink");
  });
});

/** Every topic of a bounded run kept with keepTopics (to delete afterwards). */
const topicsOf = async (app: string): Promise<string[]> => {
  const { Kafka, logLevel } = await import("kafkajs");
  const admin = new Kafka({ brokers: brokers(), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    return (await admin.listTopics()).filter((t) => t.startsWith(`${app}.`));
  } finally {
    await admin.disconnect();
  }
};

describe("the run's counts", () => {
  it("count a table's rows once on 3 partitions (the DirectRunner's figures), also in the CLI's summary", async () => {
    const inputs = { events: repo("examples/data/events.jsonl"), items: repo("examples/data/items.jsonl") };
    const rows = readFileSync(inputs.items, "utf8")
      .split("\n")
      .filter((l) => l.trim() !== "").length;
    const direct = await runDirect(userSequences, { inputs });
    const kafka = await runKafka(userSequences, { inputs, brokers: brokers(), partitions: 3 });
    expect(direct.metrics.items!.in).toBe(rows);
    expect(kafka.metrics.items).toEqual(direct.metrics.items);
    const stderr = await new Promise<string>((resolve, reject) => {
      const args = [
        "run",
        repo("examples/user-sequences.ts"),
        "--runner",
        "kafka",
        "--brokers",
        brokers().join(","),
        "--in",
        `events=${inputs.events}`,
        "--in",
        `items=${inputs.items}`,
        "--out",
        `sequences=${jsonl("seq-out", [])}`,
      ];
      const child = spawn(process.execPath, [...SOURCE_BIN, ...args], { stdio: ["ignore", "ignore", "pipe"] });
      let err = "";
      child.stderr.on("data", (d) => (err += String(d)));
      const timer = setTimeout(() => (child.kill("SIGKILL"), reject(new Error(`the CLI did not exit; stderr: ${err}`))), 150_000);
      child.on("close", (code) => (clearTimeout(timer), code === 0 ? resolve(err) : reject(new Error(`exit ${code}: ${err}`))));
    });
    expect(stderr).toContain(`table items: ${rows} read`);
  });
});
