/**
 * The progress bar: figures (%, rate, ETA), drawn by cli-progress on a TTY
 * stream only, fed by the shared reading code with the bytes of each file.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { recordsOf } from "../../src/run/inputs.ts";
import { formatEta, progressFigures, progressShown, runProgress } from "../../src/run/progress.ts";
import type { ProgressStream } from "../../src/run/progress.ts";
import { tempDir } from "../cli/helpers.ts";

const dir = tempDir();

/** A stream that says it is a terminal (or not) and keeps what is written to it. */
const capture = (isTTY: boolean) => {
  const written: string[] = [];
  const stream: ProgressStream = { isTTY, columns: 200, write: (s: string) => (written.push(s), true) };
  // What a terminal would show: the text of the last redraw, escape sequences removed.
  const shown = () => written.join("").replace(/\x1b\[[0-9;?]*[A-Za-z]|\x1b[78]/g, "");
  return { stream, written, shown };
};

/** A clock the test moves. */
const clock = () => {
  let t = 0;
  return { now: () => t, set: (ms: number) => void (t = ms) };
};

describe("progressFigures", () => {
  it("computes rate, % and ETA from records, bytes and elapsed time", () => {
    // 1000 records in 2 s = 500/s; 250 of 1000 bytes = 25 %; 750 bytes left at 125 B/s = 6 s.
    expect(progressFigures(1000, 250, 1000, 2000)).toEqual({ records: 1000, rate: 500, percent: 25, etaSeconds: 6 });
    // Unknown size: records and rate only.
    expect(progressFigures(1000, 0, undefined, 4000)).toEqual({ records: 1000, rate: 250 });
    // Nothing read yet: 0 %, no ETA; bytes past the total (a growing file) stay at 100 %.
    expect(progressFigures(0, 0, 1000, 0)).toEqual({ records: 0, rate: 0, percent: 0 });
    // Under a second of reading and under 1 % read: no ETA yet (the first reads, often a small table, mislead).
    expect(progressFigures(38, 5, 1000, 70)).toEqual({ records: 38, rate: 38 / 0.07, percent: 0 });
    const early = progressFigures(38, 10, 1000, 70); // 1 % in 0.07 s: 99 % left takes 6.93 s
    expect(early.percent).toBe(1);
    expect(early.etaSeconds).toBeCloseTo(6.93, 9);
    expect(progressFigures(10, 1500, 1000, 1000)).toMatchObject({ percent: 100, etaSeconds: 0 });
  });

  it("formats an ETA as m:ss or h:mm:ss", () => {
    expect(formatEta(6)).toBe("0:06");
    expect(formatEta(75)).toBe("1:15");
    expect(formatEta(3725)).toBe("1:02:05");
  });
});

describe("runProgress", () => {
  it("draws records, rate, % and ETA on a TTY stream for file inputs, and clears the line at the end", () => {
    const path = join(dir, "sized.jsonl");
    writeFileSync(path, "x".repeat(999) + "\n"); // 1000 bytes
    const { stream, shown, written } = capture(true);
    const c = clock();
    const p = runProgress("direct", { lines: path }, { enabled: true, stream, now: c.now });
    c.set(2000);
    p.input("lines")!.read(1000, 250);
    c.set(10_000); // time spent after the last read (firing windows) does not dilute the rate
    p.stage("reading sources");
    p.done();
    const text = shown();
    expect(text).toContain("lockstep[direct]");
    expect(text).toContain("25% · 1,000 records · 500/s · ETA 0:06 · reading sources");
    // cleared on completion: the last writes erase the bar (cursor to column 1, clear to the end of the screen)
    expect(written.slice(-2).join("")).toMatch(/\x1b\[1G\x1b\[0J$/);
  });

  it("shows records and rate without % or ETA when an input's size is unknown (stdin, in-memory)", () => {
    const { stream, shown } = capture(true);
    const c = clock();
    const p = runProgress("kafka", { lines: "-", items: [{ a: 1 }] }, { enabled: true, stream, now: c.now });
    c.set(1000);
    p.input("lines")!.read(300);
    p.done();
    expect(shown()).toContain("lockstep[kafka] 300 records · 300/s · reading");
    expect(shown()).not.toMatch(/%|ETA/);
  });

  it("is silent, and meters nothing, when the stream is not a TTY or progress was not asked for", () => {
    for (const [tty, enabled] of [
      [false, true],
      [true, false],
      [true, undefined],
    ] as const) {
      const { stream, written } = capture(tty);
      expect(progressShown({ enabled, stream })).toBe(false);
      const p = runProgress("direct", { lines: "-" }, enabled === undefined ? { stream } : { enabled, stream });
      expect(p.input("lines")).toBeUndefined();
      p.stage("x");
      p.done();
      expect(written).toEqual([]);
    }
  });

  it("is fed by the shared readers: a JSONL file read to its end is 100 % of its bytes", async () => {
    const path = join(dir, "lines.jsonl");
    writeFileSync(path, Array.from({ length: 5000 }, (_, i) => JSON.stringify({ line: `l${i}` })).join("\n") + "\n");
    const { stream, shown } = capture(true);
    const c = clock();
    const p = runProgress("direct", { lines: path }, { enabled: true, stream, now: c.now });
    let n = 0;
    c.set(1000);
    for await (const _ of recordsOf(path, undefined, p.input("lines")) as AsyncIterable<unknown>) n++;
    p.done();
    expect(n).toBe(5000);
    expect(shown()).toContain("100% · 5,000 records · 5,000/s · ETA 0:00");
  });

  it("meters in-memory inputs by records", () => {
    const { stream, shown } = capture(true);
    const p = runProgress("direct", { rows: [] }, { enabled: true, stream, now: () => 0 });
    const rows = Array.from({ length: 5000 }, (_, i) => ({ i }));
    expect([...(recordsOf(rows, undefined, p.input("rows")) as Iterable<unknown>)]).toHaveLength(5000);
    p.done();
    expect(shown()).toContain("5,000 records");
  });
});

describe("log lines while the bar is shown", () => {
  it("takes the bar off, lets the line through, and draws the bar again below it", () => {
    const { stream, written, shown } = capture(true);
    const p = runProgress("arquero", { rows: [] }, { enabled: true, stream, now: () => 0 });
    p.input("rows")!.read(10);
    const before = written.length;
    const r = p.around(() => (stream.write("lockstep[arquero]: a log line\n"), 42));
    expect(r).toBe(42);
    const during = written.slice(before);
    const line = during.indexOf("lockstep[arquero]: a log line\n");
    // first the bar is erased (column 1, clear to the end of the screen), then the line, then the bar again
    expect(during.slice(0, line).join("")).toMatch(/\x1b\[1G\x1b\[0J$/);
    expect(during.slice(line + 1).join("")).toContain("lockstep[arquero] 10 records");
    p.done();
    expect(shown()).toContain("a log line\n");
  });

  it("runs the write as it is when nothing is drawn", () => {
    const { stream, written } = capture(false);
    const p = runProgress("direct", {}, { enabled: true, stream });
    expect(p.around(() => (stream.write("x\n"), 1))).toBe(1);
    expect(written).toEqual(["x\n"]);
  });
});
