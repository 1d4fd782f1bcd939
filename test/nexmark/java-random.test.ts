import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { JavaRandom } from "../../src/nexmark/java-random.ts";

// The golden file is the JDK's own output (golden/JavaRandomGolden.java says how to regenerate it),
// so these tests compare against java.util.Random and java.lang.Math, not against this code.
const BOUNDS = [1, 2, 3, 4, 5, 6, 9, 10, 11, 13, 26, 100, 1010, 10000, 1073741825, 2147483647];
const lines = readFileSync(new URL("./golden/java-random.golden.txt", import.meta.url), "utf8")
  .trim()
  .split("\n");
const price = (r: JavaRandom) => Math.round(10 ** (r.nextDouble() * 6) * 100);

describe("JavaRandom against the JDK", () => {
  const detailed = lines.filter((l) => l.split(" ").length > 21);
  it.each(detailed.map((l) => [l.split(" ")[0], l]))("seed %s: nextInt, nextInt(bound), nextDouble, prices", (_seed, line) => {
    const [seed, ...rest] = line.split(" ");
    const r = new JavaRandom(Number(seed));
    const got: number[] = [];
    for (let i = 0; i < 6; i++) got.push(r.nextInt());
    for (const b of BOUNDS) got.push(r.nextIntBelow(b));
    for (let i = 0; i < 4; i++) got.push(r.nextDouble());
    for (let i = 0; i < 200; i++) got.push(price(r));
    expect(got).toEqual(rest.map(Number));
  });

  it("Beam's price formula rounds as Java does on 8,000 more draws", () => {
    const short = lines.filter((l) => l.split(" ").length === 21);
    expect(short.length).toBe(400);
    for (const line of short) {
      const [seed, ...rest] = line.split(" ").map(Number);
      const r = new JavaRandom(seed as number);
      expect(
        rest.map(() => price(r)),
        `seed ${seed}`,
      ).toEqual(rest);
    }
  });
});
