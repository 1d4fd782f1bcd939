/**
 * Fault suite: instances 1 → 3 → 1 mid-run, as real processes in one consumer
 * group. One runner process starts; once part of the first third of the input
 * is committed two more join and all three own partitions while the second
 * third flows; then the two leave (SIGTERM, exit 0) while the last third
 * arrives and the first takes every partition back. Partitions — and the tasks
 * on them, with their changelog state — move twice; the final view under
 * read_committed equals the DirectRunner's, with one committed record per pane
 * and the DirectRunner's dead letters, each once.
 *
 * FAULT_EVENTS sets the size; FAULT_INSTANCES_PIPELINES the pipelines (both by default).
 */
import { describe, expect, it } from "vitest";
import { freshApp, kafkaForTests, waitForView, waitUntil } from "../runners/kafka/helpers.ts";
import {
  FAULT_EVENTS,
  FAULT_SEED,
  type RunnerProcess,
  SCENARIOS,
  committedCount,
  expectExactlyOnce,
  produceRows,
  scenarioTopics,
  startRunner,
  terminate,
  faultPipelines,
} from "./harness.ts";

const { client, topics } = kafkaForTests();
const PIPELINES = faultPipelines("FAULT_INSTANCES_PIPELINES");

/** The partitions a runner process owns after its last rebalance. */
const owned = (r: RunnerProcess): number[] => (r.logs.filter((l) => l.event === "assigned").pop()?.partitions as number[] | undefined) ?? [];

describe.each(PIPELINES)(`instances 1 → 3 → 1 mid-run, real processes (${FAULT_EVENTS} events): %s`, (name) => {
  it("the DirectRunner's final view, one committed record per pane, as partitions move out and back", async () => {
    const s = await SCENARIOS[name]!(FAULT_SEED, FAULT_EVENTS);
    const app = freshApp(`fault-scale-${name}`);
    topics.push(...scenarioTopics(s, app));
    await s.setup(client, app);
    const source = `${app.topicPrefix}${s.source.name}`;
    const rows = s.source.rows;
    const third = Math.ceil(rows.length / 3);

    const a = await startRunner(app, s.example, s.params, { idleMs: 0 });
    const all = [a];
    const alive = async () => {
      for (const r of all) if (r.error()) throw r.error();
    };
    await produceRows(client, s, app, rows.slice(0, third));
    await waitUntil(
      "part of the first third is committed",
      async () => (await alive(), (await committedCount(client, app.appId, source)) >= Math.floor(third / 3)),
      300_000,
    );

    // 1 → 3: two more processes join the group.
    const [b, c] = await Promise.all([startRunner(app, s.example, s.params, { idleMs: 0 }), startRunner(app, s.example, s.params, { idleMs: 0 })]);
    all.push(b!, c!);
    await produceRows(client, s, app, rows.slice(third, 2 * third));
    await waitUntil("each of the three owns a partition", async () => (await alive(), all.every((r) => owned(r).length === 1)), 120_000);
    await waitUntil(
      "part of the second third is committed with three instances",
      async () => (await alive(), (await committedCount(client, app.appId, source)) >= third + Math.floor(third / 3)),
      300_000,
    );
    // A joiner logs "task started" once its task has restored state; under load that can come after the
    // commits above (the other partitions' tasks reach the count): wait for it, with a bound.
    await waitUntil("the joiners took tasks over", async () => (await alive(), [b!, c!].every((r) => r.logs.some((l) => l.event === "task started"))), 120_000);

    // 3 → 1: the two leave gracefully while the last third arrives.
    const leaving = Promise.all([terminate(b!), terminate(c!)]);
    await produceRows(client, s, app, rows.slice(2 * third));
    await leaving;
    await waitForView(client, `${app.topicPrefix}${s.sink}`, s.expected, { runners: [a], timeoutMs: 600_000 });
    expect(owned(a), "the first instance owns every partition again").toEqual([0, 1, 2]);
    await terminate(a);
    const outcome = await expectExactlyOnce(client, s, app);
    process.stdout.write(
      `faults: ${JSON.stringify({ test: "instances 1-3-1", pipeline: name, events: rows.length, panes: s.panes ?? null, committed: outcome.committed, deadLetters: outcome.deadLetters, directDeadLetters: s.direct.deadLetters.length })}\n`,
    );
  });
});
