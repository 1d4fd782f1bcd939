/** The arquero runner's progress: the shared bar with its stages, on a TTY only. */
import { describe, expect, it } from "vitest";
import wordcount from "../../../examples/wordcount.ts";
import { progressBar } from "../../../runners/arquero/progress.ts";
import { runArquero } from "../../../runners/arquero/index.ts";

const fakeStream = (isTTY: boolean) => {
  const written: string[] = [];
  return { stream: { isTTY, columns: 200, write: (s: string) => (written.push(s), true) }, written };
};

describe("arquero progress bar", () => {
  it("draws records read and the stage being run on a TTY", () => {
    const { stream, written } = fakeStream(true);
    const p = progressBar(4, { lines: [] }, true, stream);
    p.input("lines")!.read(10_000);
    p.stage("a");
    p.stage("b");
    p.done();
    const text = written.join("");
    expect(text).toContain("10,000 records");
    expect(text).toContain("stage 2/4: b");
  });

  it("is silent when the stream is not a TTY, or when not asked for", () => {
    for (const [tty, enabled] of [
      [false, true],
      [true, false],
      [true, undefined],
    ] as const) {
      const { stream, written } = fakeStream(tty);
      const p = progressBar(3, { lines: [] }, enabled, stream);
      expect(p.input("lines")).toBeUndefined();
      p.stage("a");
      p.done();
      expect(written).toEqual([]);
    }
  });

  it("a run with progress off writes nothing to stderr", async () => {
    const writes: unknown[] = [];
    const original = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: unknown) => (writes.push(chunk), true)) as typeof process.stderr.write;
    try {
      await runArquero(wordcount, { inputs: { lines: [{ line: "a b a" }] }, progress: false });
    } finally {
      process.stderr.write = original;
    }
    expect(writes).toEqual([]);
  });
});
