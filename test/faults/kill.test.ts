/**
 * Fault suite: SIGKILL a follow-mode Kafka runner (a real child process) at
 * FAULT_KILLS seeded random points while FAULT_EVENTS events are produced
 * (window-count and user-sequences, 3 partitions), restarting it each time;
 * then SIGTERM it. The final view read with read_committed equals the
 * DirectRunner's, there is exactly one committed sink record per pane where
 * the pipeline fixes that count (no pane committed twice) and the
 * DirectRunner's dead letters, each once; state came back from the changelogs.
 * Idle firing is off (idleMs 0) so that a slow restart fires no extra panes
 * (docs/kafka-runner.md "Idle partitions") and the pane count stays exact.
 *
 * Defaults are the fast subset of `npm test`; `npm run test:faults` runs the full size.
 */
import { describe, expect, it } from "vitest";
import { freshApp, kafkaForTests, rng, waitForView, waitUntil } from "../runners/kafka/helpers.ts";
import {
  FAULT_EVENTS,
  FAULT_STATE,
  FAULT_KILLS,
  FAULT_SEED,
  SCENARIOS,
  committedCount,
  expectExactlyOnce,
  kill,
  produceRows,
  scenarioTopics,
  startRunner,
  terminate,
  faultPipelines,
} from "./harness.ts";

const { client, topics } = kafkaForTests();
const PIPELINES = faultPipelines("FAULT_PIPELINES");

describe.each(PIPELINES)(`SIGKILL ×${FAULT_KILLS} over ${FAULT_EVENTS} events, then SIGTERM: %s`, (name) => {
  it("the DirectRunner's final view under read_committed, nothing committed twice", async () => {
    const s = await SCENARIOS[name]!(FAULT_SEED, FAULT_EVENTS);
    const app = freshApp(`fault-kill-${name}`);
    topics.push(...scenarioTopics(s, app));
    await s.setup(client, app);
    const rows = s.source.rows;
    const source = `${app.topicPrefix}${s.source.name}`;
    const r = rng(FAULT_SEED);
    const chunk = Math.ceil(rows.length / (FAULT_KILLS + 1));
    let killed = 0;
    for (let i = 0; i <= FAULT_KILLS; i++) {
      const run = await startRunner(app, s.example, s.params, { idleMs: 0 });
      if (FAULT_STATE === "lmdb" && i > 0) {
        // State on disk after a SIGKILL: no checkpoint, so every task wipes its store and restores in full.
        await waitUntil("the restarted process started a task", () => run.logs.some((l) => l.event === "task started"), 60_000);
        const started = run.logs.filter((l) => l.event === "task started");
        expect(
          started.every((l) => l.restoredFrom === "beginning" && l.wiped === "no checkpoint"),
          JSON.stringify(started),
        ).toBe(true);
      }
      const before = i * chunk;
      await produceRows(client, s, app, rows.slice(before, (i + 1) * chunk));
      if (i === FAULT_KILLS) {
        await waitForView(client, `${app.topicPrefix}${s.sink}`, s.expected, { runners: [run], timeoutMs: 600_000 });
        await terminate(run); // a graceful stop: exit 0
        break;
      }
      // A seeded kill point: once a random share of this chunk is committed, after a random extra moment.
      const target = before + Math.floor(r.next() * Math.min(chunk, rows.length - before));
      await waitUntil(
        "the chunk is partly committed",
        async () => {
          if (run.error()) throw run.error();
          return (await committedCount(client, app.appId, source)) >= target;
        },
        300_000,
      );
      await new Promise((res) => setTimeout(res, r.int(0, 300)));
      await kill(run);
      killed++;
    }
    expect(killed).toBe(FAULT_KILLS);
    const outcome = await expectExactlyOnce(client, s, app);
    const uncommitted = (await client.readAll(`${app.topicPrefix}${s.sink}`, undefined, { readUncommitted: true })).length;
    process.stdout.write(
      `faults: ${JSON.stringify({ test: "kill", pipeline: name, kills: killed, events: rows.length, panes: s.panes ?? null, committed: outcome.committed, uncommitted, deadLetters: outcome.deadLetters, directDeadLetters: s.direct.deadLetters.length })}\n`,
    );
  });
});
