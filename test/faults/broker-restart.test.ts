/**
 * Fault suite: the broker stops and starts again mid-run. The test starts a
 * broker of its own (scripts/kafka/broker.ts, a fixed port and a data
 * directory kept across the restart), runs a follow-mode runner process on
 * it, stops the broker (SIGTERM) once part of the input is committed, starts
 * it again on the same data directory and port, and produces the rest. The
 * runner rides it out: the final view under read_committed equals the
 * DirectRunner's, nothing lost or committed twice, the DirectRunner's dead
 * letters each once; then SIGTERM → exit 0.
 *
 * FAULT_EVENTS sets the size; FAULT_BROKER_PIPELINES the pipelines (both by default).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type Broker, freePorts, startBroker } from "../../scripts/kafka/broker.ts";
import { KafkajsClient } from "../../runners/kafka/kafkajs-client.ts";
import { freshApp, waitForView, waitUntil } from "../runners/kafka/helpers.ts";
import { FAULT_EVENTS, FAULT_SEED, SCENARIOS, committedCount, expectExactlyOnce, produceRows, startRunner, terminate, faultPipelines } from "./harness.ts";

const PIPELINES = faultPipelines("FAULT_BROKER_PIPELINES");

describe.each(PIPELINES)(`a dedicated broker stopped and started again mid-run (${FAULT_EVENTS} events): %s`, (name) => {
  const dataDir = mkdtempSync(join(tmpdir(), "lockstep-fault-broker-"));
  let broker: Broker | undefined;
  const clients: KafkajsClient[] = [];
  afterAll(async () => {
    for (const c of clients) await c.close().catch(() => {});
    await broker?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("the runner rides it out: the DirectRunner's final view, nothing lost or committed twice", async () => {
    const [port] = await freePorts(1);
    broker = await startBroker({ port: port!, dataDir });
    const addresses = [broker.brokers];
    let client = new KafkajsClient(addresses);
    clients.push(client);
    const s = await SCENARIOS[name]!(FAULT_SEED, FAULT_EVENTS);
    const app = freshApp(`fault-broker-${name}`);
    await s.setup(client, app);
    const source = `${app.topicPrefix}${s.source.name}`;
    const rows = s.source.rows;
    const half = Math.ceil(rows.length / 2);

    const run = await startRunner(app, s.example, s.params, { brokers: addresses, idleMs: 0 });
    await produceRows(client, s, app, rows.slice(0, half));
    await waitUntil(
      "a third of the input is committed",
      async () => {
        if (run.error()) throw run.error();
        return (await committedCount(client, app.appId, source)) >= Math.floor(half / 3);
      },
      300_000,
    );

    // Stop the broker mid-run (a clean SIGTERM: it flushes and leaves its data), start it again on the same data and port.
    await client.close();
    await broker.stop();
    expect(run.error(), "the runner survived the broker's stop").toBeUndefined();
    broker = await startBroker({ port: port!, dataDir });
    client = new KafkajsClient(addresses);
    clients.push(client);

    await produceRows(client, s, app, rows.slice(half));
    await waitForView(client, `${app.topicPrefix}${s.sink}`, s.expected, { runners: [run], timeoutMs: 600_000 });
    await terminate(run);
    const outcome = await expectExactlyOnce(client, s, app);
    const restarts = run.logs.filter((l) => l.event === "batch failed" || l.event === "consumer crashed").length;
    process.stdout.write(
      `faults: ${JSON.stringify({ test: "broker-restart", pipeline: name, events: rows.length, panes: s.panes ?? null, committed: outcome.committed, deadLetters: outcome.deadLetters, directDeadLetters: s.direct.deadLetters.length, failedBatchesLogged: restarts })}\n`,
    );
  });
});
