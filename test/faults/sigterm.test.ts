/**
 * Fault suite: SIGTERM mid-run, then resume. A follow-mode runner process gets
 * SIGTERM while it is working through the first half of the input; it exits 0
 * having committed what it had in flight: nothing it wrote is left in an
 * aborted or open transaction (read_uncommitted sees no more than
 * read_committed), and — window-count, whose tasks read the source directly —
 * the committed sink view is exactly what the committed input offsets imply
 * (the DirectRunner on that prefix of every partition, windows its keys'
 * clocks have closed). A new process resumes: the rest is produced, the final
 * view equals the DirectRunner's over everything, one committed record per
 * pane, its dead letters once (nothing lost, nothing twice); SIGTERM → 0 again.
 *
 * FAULT_EVENTS sets the size; FAULT_SIGTERM_PIPELINES the pipelines (both by default).
 */
import { describe, expect, it } from "vitest";
import { canonicalJson } from "../../src/core/canonical.ts";
import { finalViewOf } from "../../runners/kafka/bounded.ts";
import { runDirect } from "../../runners/direct/index.ts";
import { freshApp, jsonl, kafkaForTests, sinkView, waitForView, waitUntil } from "../runners/kafka/helpers.ts";
import {
  type App,
  FAULT_EVENTS,
  FAULT_STATE,
  FAULT_SEED,
  SCENARIOS,
  type Scenario,
  committedCount,
  expectExactlyOnce,
  produceRows,
  scenarioTopics,
  startRunner,
  terminate,
  faultPipelines,
} from "./harness.ts";

const { client, topics } = kafkaForTests();
const PIPELINES = faultPipelines("FAULT_SIGTERM_PIPELINES");

/**
 * window-count's view after exactly the committed input: the DirectRunner on the first
 * committed[p] records of every source partition (a key lives on one partition, so this is each
 * key's prefix in order), keeping the windows that key's clock has closed (an unbounded run fires a
 * window once the key's largest event time reaches its end; no end-of-input flush).
 */
const windowCountViewAt = async (s: Scenario, app: App, committed: readonly number[]): Promise<unknown[]> => {
  const messages = await client.readAll(`${app.topicPrefix}${s.source.name}`);
  const prefix = messages.filter((m) => m.offset < (committed[m.partition] ?? 0)).sort((x, y) => x.partition - y.partition || x.offset - y.offset);
  const direct = await runDirect(s.pipeline, {
    inputs: {
      events: jsonl(
        "prefix",
        prefix.map((m) => m.value ?? ""),
      ),
    },
    params: s.params,
  });
  const clock = new Map<string, number>();
  for (const m of prefix) {
    let v: unknown;
    try {
      v = JSON.parse(m.value ?? "");
    } catch {
      continue;
    }
    const { key, ts } = (v ?? {}) as { key?: unknown; ts?: unknown };
    if (typeof key === "string" && typeof ts === "number") clock.set(key, Math.max(clock.get(key) ?? -Infinity, ts));
  }
  return (direct.outputs.counts as { key: string; windowEnd: number }[]).filter((r) => r.windowEnd <= (clock.get(r.key) ?? -Infinity));
};

describe.each(PIPELINES)(`SIGTERM mid-run, then resume (${FAULT_EVENTS} events): %s`, (name) => {
  it("exits 0 having committed its in-flight work; the restart resumes with nothing lost or twice", async () => {
    const s = await SCENARIOS[name]!(FAULT_SEED, FAULT_EVENTS);
    const app = freshApp(`fault-term-${name}`);
    topics.push(...scenarioTopics(s, app));
    await s.setup(client, app);
    const source = `${app.topicPrefix}${s.source.name}`;
    const sink = `${app.topicPrefix}${s.sink}`;
    const rows = s.source.rows;
    const half = Math.ceil(rows.length / 2);

    const first = await startRunner(app, s.example, s.params, { idleMs: 0 });
    await produceRows(client, s, app, rows.slice(0, half));
    await waitUntil(
      "part of the first half is committed",
      async () => {
        if (first.error()) throw first.error();
        return (await committedCount(client, app.appId, source)) >= Math.floor(half / 4);
      },
      300_000,
    );
    const before = await committedCount(client, app.appId, source);
    await terminate(first);
    const committed = await client.committedOffsets(app.appId, source);
    const after = committed.reduce((a, b) => a + Math.max(b, 0), 0);
    expect(after, "offsets only move forward").toBeGreaterThanOrEqual(before);
    // Nothing left in an aborted or open transaction: a graceful stop commits what it sent.
    for (const topic of [sink, `${app.appId}.dead-letters`]) {
      const [c, u] = await Promise.all([client.readAll(topic), client.readAll(topic, undefined, { readUncommitted: true })]);
      expect(u.length, `${topic}: read_uncommitted sees only committed records after SIGTERM`).toBe(c.length);
    }
    if (name === "window-count") {
      expect(canonicalJson(finalViewOf(await client.readAll(sink))), "the committed view is what the committed offsets imply").toBe(
        canonicalJson(await windowCountViewAt(s, app, committed)),
      );
    }

    const second = await startRunner(app, s.example, s.params, { idleMs: 0 });
    await produceRows(client, s, app, rows.slice(half));
    await waitForView(client, sink, s.expected, { runners: [second], timeoutMs: 600_000 });
    const resumedAt = second.logs.filter((l) => l.event === "task started" && l.resumedAt !== undefined).length;
    expect(resumedAt, "the restart resumed tasks at their committed offsets").toBeGreaterThan(0);
    if (FAULT_STATE === "lmdb") {
      // State on disk: the graceful stop left a checkpoint per task, and nothing was written since.
      const started = second.logs.filter((l) => l.event === "task started");
      expect(started.length).toBeGreaterThan(0);
      expect(
        started.every((l) => l.restoredFrom === "checkpoint" && l.restored === 0),
        JSON.stringify(started),
      ).toBe(true);
    }
    await terminate(second);
    expect((await sinkView(client, sink)).length).toBe(s.expected.length);
    const outcome = await expectExactlyOnce(client, s, app);
    process.stdout.write(
      `faults: ${JSON.stringify({ test: "sigterm-resume", pipeline: name, events: rows.length, committedAtTerm: after, committedDuringStop: after - before, producedAtTerm: half, resumedTasks: resumedAt, panes: s.panes ?? null, committed: outcome.committed, deadLetters: outcome.deadLetters, directDeadLetters: s.direct.deadLetters.length })}\n`,
    );
  });
});
