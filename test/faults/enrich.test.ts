/**
 * Fault suite: a real local HTTP enrichment service (test/engine/enrich-service.ts,
 * node:http on 127.0.0.1) behind a follow-mode runner process. The service
 * goes down (503 on every call) mid-run: consumption pauses — the committed
 * input offsets stop advancing while the runner keeps trying, nothing is
 * dead-lettered, the process does not crash — and resumes when the service
 * comes back: the final view equals the DirectRunner's with a healthy service,
 * one committed record per pane, no dead letters; SIGTERM → exit 0. Calls open
 * at the service at once stay bounded throughout.
 *
 * FAULT_EVENTS sets the size (a fifth of it: every event is a call).
 */
import { afterAll, describe, expect, it } from "vitest";
import * as L from "../../dsl/index.ts";
import { runDirect } from "../../runners/direct/index.ts";
import { GEO_POLICY, type GeoServer, geoEnrich, geoEvents, geoTotals, httpGeoClient, startGeoServer } from "../engine/enrich-service.ts";
import { appTopics, freshApp, kafkaForTests, produce, stageOf, waitForView, waitUntil } from "../runners/kafka/helpers.ts";
import { FAULT_EVENTS, FAULT_SEED, committedCount, committedDeadLetters, startRunner, terminate } from "./harness.ts";

const { client, topics } = kafkaForTests();
let server: GeoServer | undefined;
afterAll(async () => {
  await server?.close();
});
const PARTITIONS = 3;

describe(`an enrichment service that goes down mid-run and comes back (${Math.ceil(FAULT_EVENTS / 5)} events)`, () => {
  it("consumption pauses (offsets stop, no dead letters, no crash) and resumes to the DirectRunner's view", async () => {
    server = await startGeoServer();
    const events = geoEvents(FAULT_SEED, Math.ceil(FAULT_EVENTS / 5));
    const half = Math.ceil(events.length / 2);
    const registry = L.createRegistry([geoEnrich], { geo: httpGeoClient(server.url) });
    const [directHalf, directAll] = [
      await runDirect(geoTotals, { inputs: { events: events.slice(0, half) }, registry }),
      await runDirect(geoTotals, { inputs: { events }, registry }),
    ];
    const app = freshApp("fault-enrich");
    topics.push(...appTopics(geoTotals, app));
    const source = `${app.topicPrefix}events`;
    const sink = `${app.topicPrefix}byCity`;

    const run = await startRunner(app, "test/engine/enrich-service.ts", {}, { idleMs: 0, env: { GEO_URL: server.url } });
    await produce(client, source, PARTITIONS, events.slice(0, half), ["user"]);
    await waitForView(client, sink, directHalf.outputs.byCity!, { runners: [run], timeoutMs: 300_000 });
    const maxHealthy = server.maxInFlight();

    // Down: every call answers 503. The rest of the input arrives meanwhile.
    server.setDown(true);
    const committedBefore = await committedCount(client, app.appId, source);
    expect(committedBefore).toBe(half);
    await produce(client, source, PARTITIONS, events.slice(half), ["user"]);
    const paused = async (what: string, calls: number) => {
      await waitUntil(`${what}: the runner called the down service ${calls} times`, () => {
        if (run.error()) throw run.error();
        return server!.downRequests() >= calls;
      });
      expect(run.error(), "no crash").toBeUndefined();
      expect(await committedCount(client, app.appId, source), `${what}: no input committed while the service is down`).toBe(committedBefore);
      expect(await committedDeadLetters(client, app), `${what}: nothing dead-lettered`).toEqual([]);
    };
    // Several rounds of retries, each of every attempt the policy allows: still paused, nothing dead-lettered.
    const round = (GEO_POLICY.retries + 1) * PARTITIONS;
    await paused("first retries", round);
    await paused("later retries", 5 * round);
    expect(run.logs.some((l) => l.event === "batch failed" && String(l.error).includes('service "geo" is unavailable'))).toBe(true);
    const maxDown = server.maxInFlight();

    // Back up: consumption resumes and catches up.
    server.setDown(false);
    await waitForView(client, sink, directAll.outputs.byCity!, { runners: [run], timeoutMs: 300_000 });
    await terminate(run);
    expect(await committedCount(client, app.appId, source)).toBe(events.length);
    expect(await committedDeadLetters(client, app)).toEqual([]);
    expect((await client.readAll(sink)).length, "one committed record per pane").toBe(directAll.metrics[stageOf(geoTotals, "combine")]!.panes);
    // Each task (one per partition) has its own caller, bounded by the policy's concurrency.
    expect(server.maxInFlight(), "calls open at the service at once").toBeLessThanOrEqual(GEO_POLICY.concurrency * PARTITIONS);
    process.stdout.write(
      `faults: ${JSON.stringify({ test: "enrich-down", events: events.length, downRequests: server.downRequests(), requests: server.requests(), maxInFlightHealthy: maxHealthy, maxInFlightDown: maxDown, maxInFlight: server.maxInFlight(), failedBatchesLogged: run.logs.filter((l) => l.event === "batch failed").length })}\n`,
    );
  });
});
