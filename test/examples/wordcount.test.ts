import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson } from "../../src/core/canonical.ts";
import { runDirect } from "../../runners/direct/index.ts";
import wordcount from "../../examples/wordcount.ts";
import { accounting, repo, runOn } from "./helpers.ts";

// examples/wordcount.ts: the non-empty pieces of
// line.toLowerCase().split(/[^a-z']+/), counted over the whole input
// (no window stage: rows are { word, count }, sorted by word).

describe("wordcount on a small hand-worked input", () => {
  const lines = [
    /*  1 */ { line: "The cat's hat" }, // the, cat's, hat
    /*  2 */ { line: "THE end. the END" }, // the, end, the, end
    /*  3 */ { line: "don't stop 2day, o'clock" }, // don't, stop, day, o'clock ("2" splits)
    /*  4 */ { line: "   " }, // only empty pieces
    /*  5 */ { line: "Café naïve" }, // é and ï are not in [a-z']: caf, na, ve
    /*  6 */ { line: "The cat's hat" }, // a duplicate line counts again
    /*  7 */ { line: 42 }, // dead letter: not a string
    /*  8 */ { text: "x" }, // dead letter: no "line"
    /*  9 */ "{broken", // dead letter: not JSON
    /* 10 */ { line: "'' a" }, // a piece of apostrophes is a non-empty piece: '' and a
  ];

  it("counts every word, duplicates included, sorted by word (code unit order)", async () => {
    const r = await runOn(wordcount, { lines });
    const w = (word: string, count: number) => ({ word, count });
    expect(canonicalJson(r.outputs.counts)).toBe(
      canonicalJson([
        w("''", 1), // "'" (0x27) sorts before letters
        w("a", 1),
        w("caf", 1),
        w("cat's", 2),
        w("day", 1),
        w("don't", 1),
        w("end", 2),
        w("hat", 2),
        w("na", 1),
        w("o'clock", 1),
        w("stop", 1),
        w("the", 4),
        w("ve", 1),
      ]),
    );
  });

  it("sends malformed lines to the dead letters: read = accepted + dead letters", async () => {
    const r = await runOn(wordcount, { lines });
    expect(accounting(r, "lines")).toEqual({ read: 10, accepted: 7, dead: 3 });
    expect(r.deadLetters.map((d) => d.offset)).toEqual([7, 8, 9]);
    expect(r.late).toEqual([]);
  });

  it("does not depend on the order of lines", async () => {
    const words = fc.array(fc.constantFrom("a", "B", "c'd", "", "e-f", "A b"), { maxLength: 4 }).map((ws) => ({ line: ws.join(" ") }));
    await fc.assert(
      fc.asyncProperty(
        fc.array(words, { maxLength: 12 }).chain((ls) => fc.tuple(fc.constant(ls), fc.shuffledSubarray(ls, { minLength: ls.length }))),
        async ([ls, shuffled]) => {
          const a = await runDirect(wordcount, { inputs: { lines: ls } });
          const b = await runDirect(wordcount, { inputs: { lines: shuffled } });
          expect(canonicalJson(b.outputs.counts)).toBe(canonicalJson(a.outputs.counts));
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe("wordcount on the bundled sample data", () => {
  it("runs, with its 2 deliberate malformed lines as dead letters", async () => {
    const r = await runDirect(wordcount, { inputs: { lines: repo("examples/data/lines.jsonl") } });
    expect(accounting(r, "lines")).toEqual({ read: 7, accepted: 5, dead: 2 });
    // Line 6 is not JSON, line 7 has "text" instead of "line".
    expect(r.deadLetters.map((d) => [d.offset, d.reason.slice(0, 20)])).toEqual([
      [6, "invalid JSON: Unexpe"],
      [7, 'missing field "line"'],
    ]);
    // Line 1: the ×2 and 7 other words; line 2: 7 words; line 3: the ×4; line 4: none; line 5: fox ×3.
    const once = ["before", "brown", "chickens", "count", "dog", "don't", "hatch", "jumps", "lazy", "over", "quick", "they", "your"];
    const expected = [...once.map((word) => ({ word, count: 1 })), { word: "fox", count: 4 }, { word: "the", count: 6 }];
    expected.sort((a, b) => (a.word < b.word ? -1 : 1));
    expect(canonicalJson(r.outputs.counts)).toBe(canonicalJson(expected));
  });
});
