/**
 * `ls_key1` remembers the text of string key values; the rule it caches is
 * canonical JSON of `[value]` (src/core/canonical.ts), checked here on
 * values of every JSON kind, repeated, and past the bound on remembered
 * values, including through an arquero `derive` as keyBy uses it.
 */
import * as aq from "arquero";
import { describe, expect, it } from "vitest";
import { canonicalJson } from "../../../src/core/canonical.ts";
import { keyText1, registerKeyText } from "../../../runners/arquero/key-text.ts";

const VALUES: unknown[] = ["a", "", 'q"\\\u0000é', "\ud800", "__proto__", 0, -0, 1.5, 1e21, true, false, null, [1, "a"], { b: 1, a: [2] }];

describe("ls_key1", () => {
  it("is canonical JSON of [value], the first time and when remembered", () => {
    for (let round = 0; round < 2; round++) for (const v of VALUES) expect(keyText1(v)).toBe(canonicalJson([v]));
  });

  it("stays right past the bound on remembered values", () => {
    const n = (1 << 16) + 100;
    for (let i = 0; i < n; i++) expect(keyText1(`k${i}`)).toBe(canonicalJson([`k${i}`]));
    for (let i = n - 200; i < n; i++) expect(keyText1(`k${i}`)).toBe(canonicalJson([`k${i}`]));
  });

  it("works as an arquero function over a column", () => {
    registerKeyText();
    const col = [...VALUES, ...VALUES, undefined];
    const out = aq.table({ ".f": col }).derive({ _k: 'd => op.ls_key1(d[".f"] ?? null)' }).array("_k") as string[];
    expect(out).toEqual(col.map((v) => canonicalJson([v ?? null])));
  });
});
