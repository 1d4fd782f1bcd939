/**
 * Fault suite: SIGKILL a follow-mode Kafka runner (a real child process) at
 * FAULT_KILLS seeded random points while FAULT_EVENTS events are produced
 * (window-count, 3 partitions), restarting it each time; then SIGTERM it.
 * The final view read with read_committed equals the DirectRunner's, there is
 * exactly one committed sink record per pane (no pane committed twice) and one
 * dead letter per bad record; state came back from the changelogs.
 *
 * Defaults are the fast subset of `npm test`; `npm run test:faults` runs the full size.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { afterAll, describe, expect, it } from "vitest";
import { runDirect } from "../../runners/direct/index.ts";
import windowCount from "../../examples/window-count.ts";
import {
  appTopics,
  brokers,
  freshApp,
  jsonl,
  kafkaForTests,
  keyedEvents,
  produce,
  repo,
  rng,
  stageOf,
  waitForView,
  waitUntil,
} from "../runners/kafka/helpers.ts";

const KILLS = Number(process.env.FAULT_KILLS ?? 3);
const EVENTS = Number(process.env.FAULT_EVENTS ?? 3000);
const SEED = Number(process.env.FAULT_SEED ?? 1313);
const { client, topics } = kafkaForTests();
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
});

/** Starts the runner process and resolves once it has joined. */
const startChild = async (app: { appId: string; topicPrefix: string }, example: string, params: Record<string, string>) => {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", repo("test/faults/runner-process.ts"), brokers().join(","), app.appId, app.topicPrefix, example, JSON.stringify(params)],
    { cwd: repo("."), stdio: ["ignore", "pipe", "pipe"] },
  );
  children.push(child);
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr += String(d)));
  let started = false;
  createInterface({ input: child.stdout! }).on("line", (l) => {
    if (l.includes('"event":"started"')) started = true;
  });
  await waitUntil(`the runner process started (stderr: ${stderr})`, () => started || child.exitCode !== null, 120_000);
  expect(child.exitCode, stderr).toBeNull();
  const exited = new Promise<void>((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once("exit", () => r())));
  return { child, exited, error: () => (child.exitCode !== null ? new Error(`runner process exited ${child.exitCode}: ${stderr}`) : undefined) };
};

describe(`SIGKILL ×${KILLS} over ${EVENTS} events, then SIGTERM`, () => {
  it("window-count (fixed 10 s, lateness 2 s): the DirectRunner's final view, one committed record per pane", async () => {
    const params = { window: "fixed:10s", lateness: "2s" };
    const app = freshApp("fault-kill");
    topics.push(...appTopics(windowCount, app, params));
    // A last record per key far in the future closes every real window on its key's clock.
    const FAR = 1e12;
    const rows = [...keyedEvents(SEED, EVENTS), ...["a", "b", "c", "d", "e"].map((key) => ({ key, ts: FAR }))];
    const direct = await runDirect(windowCount, { inputs: { events: jsonl("events", rows) }, params });
    const expected = (direct.outputs.counts as { windowStart: number }[]).filter((r) => r.windowStart < FAR);
    const panes = direct.metrics[stageOf(windowCount, "combine", params)]!.panes - 5;
    const source = `${app.topicPrefix}events`;
    const sink = `${app.topicPrefix}counts`;
    const r = rng(SEED);
    const chunk = Math.ceil(rows.length / (KILLS + 1));
    let killed = 0;
    for (let i = 0; i <= KILLS; i++) {
      const run = await startChild(app, "window-count", params);
      const before = i * chunk;
      await produce(client, source, 3, rows.slice(before, (i + 1) * chunk), ["key"]);
      if (i === KILLS) {
        await waitForView(client, sink, expected, { runners: [run], timeoutMs: 300_000 });
        // SIGTERM: a graceful stop, exit 0.
        run.child.kill("SIGTERM");
        await run.exited;
        expect(run.child.exitCode).toBe(0);
        break;
      }
      // A seeded kill point: once a random share of this chunk is committed, after a random extra moment.
      const target = before + Math.floor(r.next() * Math.min(chunk, rows.length - before));
      await waitUntil(
        "the chunk is partly committed",
        async () => {
          if (run.error()) throw run.error();
          return (await client.committedOffsets(app.appId, source)).reduce((a, b) => a + Math.max(b, 0), 0) >= target;
        },
        300_000,
      );
      await new Promise((res) => setTimeout(res, r.int(0, 300)));
      run.child.kill("SIGKILL");
      await run.exited;
      expect(run.child.signalCode).toBe("SIGKILL");
      killed++;
    }
    expect(killed).toBe(KILLS);
    const committed = await client.readAll(sink);
    expect(committed.length, "one committed sink record per pane").toBe(panes);
    expect((await client.readAll(`${app.appId}.dead-letters`)).length).toBe(direct.deadLetters.length);
    process.stdout.write(
      `faults: ${JSON.stringify({ kills: killed, events: rows.length, panes, committed: committed.length, uncommitted: (await client.readAll(sink, undefined, { readUncommitted: true })).length, deadLetters: direct.deadLetters.length })}\n`,
    );
  });
});
