/**
 * Poison input on the DirectRunner and the Arquero runner (issue 13, defects
 * 3, 8, 9): every line read is accepted or a dead letter with its reason —
 * nothing crashes (5,000-deep nesting), nothing is altered (1e400, invalid
 * UTF-8), nothing is dropped uncounted (blank lines) — and both runners give
 * the same dead letters. The Kafka runner's twin is test/runners/kafka/poison-input.test.ts.
 */
import { describe, expect, it } from "vitest";
import { runArquero } from "../../runners/arquero/index.ts";
import { runDirect } from "../../runners/direct/index.ts";
import windowCount from "../../examples/window-count.ts";
import { checkPoisonRun, deadLetterSet, poisonFile } from "./poison.ts";

describe("poison JSONL input", () => {
  const path = poisonFile();

  it("DirectRunner: every line accounted for, with the reasons written in poison.ts", async () => {
    checkPoisonRun(await runDirect(windowCount, { inputs: { events: path } }), expect);
  });

  it("Arquero runner: the same, and the same dead letters as the DirectRunner", async () => {
    const arquero = await runArquero(windowCount, { inputs: { events: path } });
    checkPoisonRun(arquero, expect);
    const direct = await runDirect(windowCount, { inputs: { events: path } });
    expect(deadLetterSet(arquero.deadLetters)).toEqual(deadLetterSet(direct.deadLetters));
  });

  it("in-memory values are judged as the same values on a line would be", async () => {
    let deep: unknown = 0;
    for (let i = 0; i < 5000; i++) deep = [deep];
    const inputs = { events: [{ key: "a", ts: 1 }, { key: "inf", ts: Infinity }, { key: "nan", ts: NaN }, { key: "deep", ts: 2, x: deep }, deep] };
    for (const run of [runDirect, runArquero]) {
      const r = await run(windowCount, { inputs });
      expect(r.deadLetters.map((d) => [d.offset, d.stage, d.reason])).toEqual([
        [2, "events", 'invalid JSON: field "ts" is not a finite number (JSON numbers must lie within ±1.8e308)'],
        [3, "events", 'invalid JSON: field "ts" is not a finite number (JSON numbers must lie within ±1.8e308)'],
        [4, "events", "invalid JSON: nested deeper than 256 levels of arrays and objects (the limit, docs/semantics.md §1)"],
        [5, "events", "invalid JSON: expected an object on each line, got an array"],
      ]);
    }
  });
});
