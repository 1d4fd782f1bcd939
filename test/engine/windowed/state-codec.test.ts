/**
 * The persisted form of window state is stable (src/engine/windowed/state-codec.ts):
 * state a durable backend wrote before the engine named the fields (a Kafka
 * changelog) still decodes, and a run resumed on it gives the same panes and
 * final view as a run that never stopped.
 */
import { describe, expect, it } from "vitest";
import * as L from "../../../dsl/index.ts";
import { runDirect } from "../../../runners/direct/index.ts";
import { ChangelogState } from "../../../runners/kafka/changelog-state.ts";
import { decodeKeyWindows, encodeKeyWindows } from "../../../src/engine/windowed/state-codec.ts";
import type { StoredKeyWindows } from "../../../src/engine/windowed/state-codec.ts";
import { countPipeline, drive, evs } from "../keyed-harness.ts";

/**
 * Every store of `countPipeline(session(10), { allowedLateness: 100 })` after
 * the events a@0, a@15, a@40, as lockstep 7c70cc0 (before the field names)
 * left them: JSON, as the Kafka runner's changelog holds it. Two sessions
 * fired and emitted, one open.
 */
const WRITTEN_BEFORE = String.raw`{"ev.withTimestamps/clocks":{"ev\u0000\"a\"":40},"ev.combine/windows":{"[\"a\"]":{"c":40,"w":[{"s":0,"e":10,"a":[1,[[0,1]]],"n":0,"f":true,"d":false,"p":true},{"s":15,"e":25,"a":[1,[[15,2]]],"n":0,"f":true,"d":false,"p":true},{"s":40,"e":50,"a":[1,[[40,3]]],"n":1,"f":false,"d":true,"p":false}],"kv":{"k":"a"}}}}`;

const written = JSON.parse(WRITTEN_BEFORE) as Record<string, Record<string, unknown>>;
const stored = written["ev.combine/windows"]!['["a"]'] as StoredKeyWindows<unknown>;

/** The Kafka runner's durable backend, restored from changelog records holding what `WRITTEN_BEFORE` holds. */
const restored = (): ChangelogState => {
  const state = new ChangelogState(0, () => "changelog");
  for (const [id, values] of Object.entries(written)) {
    const at = id.lastIndexOf("/");
    const records = Object.entries(values).map(([k, v], offset) => ({
      topic: "changelog",
      partition: 0,
      offset,
      key: `${id.slice(at + 1)}\u0000${k}`,
      value: JSON.stringify(v),
      headers: {},
    }));
    state.restore(id.slice(0, at), records);
  }
  return state;
};

describe("window state codec", () => {
  it("decodes the persisted short keys into named fields", () => {
    expect(decodeKeyWindows(stored)).toEqual({
      clock: 40,
      windows: [
        { start: 0, end: 10, acc: [1, [[0, 1]]], addedSincePane: 0, onTimeFired: true, changedSincePane: false, paneEmitted: true },
        { start: 15, end: 25, acc: [1, [[15, 2]]], addedSincePane: 0, onTimeFired: true, changedSincePane: false, paneEmitted: true },
        { start: 40, end: 50, acc: [1, [[40, 3]]], addedSincePane: 1, onTimeFired: false, changedSincePane: true, paneEmitted: false },
      ],
      keyFields: { k: "a" },
    });
  });

  it("encodes back to the same JSON text, key order included", () => {
    expect(JSON.stringify(encodeKeyWindows(decodeKeyWindows(stored)))).toBe(JSON.stringify(stored));
  });

  it("a run resumed on state written before the names retracts, merges and finishes like a run that never stopped", async () => {
    const sessions = countPipeline(L.session(10), { allowedLateness: 100 });
    // ts 7 bridges [0,10) and [15,25): both were emitted (p), so both are retracted; [0,25) is past
    // the key's clock 40 (c), so it fires at once; [40,50) fires at end of input.
    const resumed = await drive(sessions, { ev: [{ k: "a", ts: 7, id: 4 }] }, undefined, restored());
    expect(resumed.panes.out!.map((p) => [p.key[1], p.key[2], p.rows.length === 0 ? null : (p.rows[0] as { n: number }).n])).toEqual([
      [0, 10, null],
      [15, 25, null],
      [0, 25, 3],
      [40, 50, 1],
    ]);
    const whole = await runDirect(sessions, { inputs: { ev: evs("a", [0, 15, 40, 7]) } });
    expect(resumed.outputs.out).toEqual(whole.outputs.out);
    expect(resumed.late).toEqual([]);
  });

  it("the durable backend writes the persisted form to its changelog", async () => {
    const state = new ChangelogState(0, () => "changelog");
    const d = await drive(
      countPipeline(L.session(10), { allowedLateness: 100 }),
      { ev: evs("a", [0, 15, 40]) },
      (s) => (s as ChangelogState).drain().find((r) => r.key === 'windows\u0000["a"]')?.value,
      state,
    );
    expect(d.probes[2]).toBe(JSON.stringify(stored));
  });

  it("the memory backend holds the named form (no conversion per element)", async () => {
    const d = await drive(countPipeline(L.session(10), { allowedLateness: 100 }), { ev: evs("a", [0, 15, 40]) }, (s) =>
      JSON.stringify(s.store("ev.combine", "windows").get('["a"]')),
    );
    expect(d.probes[2]).toBe(JSON.stringify(decodeKeyWindows(stored)));
  });
});
