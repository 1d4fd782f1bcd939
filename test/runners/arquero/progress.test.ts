/** The progress bar: drawn on a TTY (rows read, stages done), silent otherwise. */
import { describe, expect, it } from "vitest";
import wordcount from "../../../examples/wordcount.ts";
import { progressBar } from "../../../runners/arquero/progress.ts";
import { runArquero } from "../../../runners/arquero/index.ts";

const fakeStream = (isTTY: boolean) => {
  const written: string[] = [];
  return { stream: { isTTY, write: (s: string) => void written.push(s) } as unknown as NodeJS.WriteStream, written };
};

describe("progress bar", () => {
  it("draws rows read and stages done on a TTY, and clears its line at the end", () => {
    const { stream, written } = fakeStream(true);
    const p = progressBar(4, undefined, stream);
    p.read(10_000);
    p.stage("a");
    p.stage("b");
    p.done();
    const text = written.join("");
    expect(text).toContain("10,000 rows read");
    expect(text).toMatch(/4\/4 stages/);
    expect(written[written.length - 1]).toBe("\r\x1b[2K");
  });

  it("is silent when the stream is not a TTY, or when turned off", () => {
    for (const [tty, enabled] of [[false, undefined], [true, false]] as const) {
      const { stream, written } = fakeStream(tty);
      const p = progressBar(3, enabled, stream);
      p.read(5);
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
