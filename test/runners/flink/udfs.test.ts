// ls_fsum / ls_fmean (runners/flink/java) in real Flink batch jobs equal lockstep's own sum and
// mean (src/combine) bit for bit; the doubles are compared as IEEE-754 bits, never as printed decimals.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { buildUdfJar, udfRegistrationSql } from "../../../scripts/flink/udfs.ts";
import { meanCombiner } from "../../../src/combine/builtin/mean.ts";
import { sumCombiner } from "../../../src/combine/builtin/sum.ts";
import type { Combiner } from "../../../src/combine/types.ts";
import { BATCH_SESSION, connectGateway, FlinkSqlError, type GatewaySession } from "../../../runners/flink/gateway/index.ts";

const url = inject("flinkGateway");

/** A double's IEEE-754 bits as 16 hex digits (what ls_double_bits returns). */
const bits = (x: number): string => {
  const b = Buffer.alloc(8);
  b.writeDoubleBE(x);
  return b.toString("hex");
};

/** lockstep's own result of a built-in combiner over `xs` (the reference: the DirectRunner's code). */
const combine = <A, O>(c: Combiner<A, unknown, O>, xs: readonly unknown[]): O => c.extract(xs.reduce<A>((acc, x) => c.add(acc, x, 0), c.create()));

/** A seeded PRNG (mulberry32): the same data every run, so a failure can be replayed. */
const SEED = 20261203;
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A finite double of any scale from subnormal to about 2^996 (so a few hundred of them cannot overflow), either sign, from random bits. */
function wideDouble(r: () => number): number {
  const b = Buffer.alloc(8);
  const sign = r() < 0.5 ? 1 : 0;
  const biasedExp = r() < 0.05 ? 0 : 1 + Math.floor(r() * (1023 + 996)); // 0: subnormal
  b.writeUInt32BE(((sign << 31) | (biasedExp << 20) | Math.floor(r() * 2 ** 20)) >>> 0, 0);
  b.writeUInt32BE(Math.floor(r() * 2 ** 32), 4);
  return b.readDoubleBE(0);
}

function shuffle<T>(xs: T[], r: () => number): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}

/** The test groups: key → values (JSON numbers or null). */
function groups(): Map<string, (number | null)[]> {
  const r = rng(SEED);
  const g = new Map<string, (number | null)[]>();
  for (let k = 0; k < 8; k++)
    g.set(
      `wide-${k}`,
      Array.from({ length: 50 + Math.floor(r() * 250) }, () => wideDouble(r)),
    );
  for (let k = 0; k < 8; k++) {
    // Cancellation-heavy: big terms and their negations around a few small ones; naive summation
    // in any order loses the small ones.
    const big = Array.from({ length: 40 }, () => (r() < 0.5 ? -1 : 1) * (1 + r()) * 10 ** Math.floor(r() * 200));
    const small = Array.from({ length: 5 }, () => (r() - 0.5) * 10 ** -Math.floor(r() * 20));
    g.set(`cancel-${k}`, shuffle([...big, ...big.map((x) => -x), ...small, 1e16, 1, -1e16], r));
  }
  g.set(
    "harmonic",
    Array.from({ length: 1000 }, (_, i) => 1 / (i + 1)),
  );
  g.set(
    "alternating-harmonic",
    Array.from({ length: 1000 }, (_, i) => (-1) ** (i + 1) / (i + 1)),
  );
  g.set("tenths", Array(1000).fill(0.1));
  // CPython test_math.testFsum: half-even rounding across several partials.
  g.set("halfway-1", [2 ** 53, -0.5, -(2 ** -54)]);
  g.set("halfway-2", [2 ** 53, 1, 2 ** -100]);
  g.set("halfway-3", [2 ** 53 + 10, 1, 2 ** -100]);
  g.set("halfway-4", [2 ** 53 - 4, 0.5, 2 ** -54]);
  g.set("max-and-negation", [Number.MAX_VALUE, -Number.MAX_VALUE, 1]);
  g.set("subnormals", Array(33).fill(5e-324));
  g.set("cancels-to-zero", [1, -1, 0.5, -0.5]);
  g.set("one", [42.25]);
  g.set("with-nulls", [null, 3, null, 4.5]);
  g.set("only-nulls", [null, null]);
  return g;
}

describe("ls_fsum / ls_fmean in Flink", () => {
  const gateway = connectGateway(url);
  let session: GatewaySession;
  const dirs: string[] = [];

  beforeAll(async () => {
    const jar = await buildUdfJar();
    // Two slots and two-phase aggregation: partial accumulators are built on both and merged.
    session = await gateway.openSession({ ...BATCH_SESSION, "parallelism.default": "2", "table.optimizer.agg-phase-strategy": "TWO_PHASE" });
    for (const sql of udfRegistrationSql(jar)) await session.execute(sql);
  });
  afterAll(async () => {
    await session?.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("gives Node's exact sum and mean bit for bit, grouped by key, over JSON files read by two tasks", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lockstep-flink-fsum-"));
    dirs.push(dir);
    const g = groups();
    // Each group's values spread over four files, so both source tasks see part of most groups.
    const r = rng(SEED + 1);
    const files: string[][] = [[], [], [], []];
    for (const [k, xs] of g) for (const x of xs) files[Math.floor(r() * 4)]!.push(JSON.stringify({ k, x }));
    files.forEach((lines, i) => writeFileSync(join(dir, `part-${i}.json`), `${lines.join("\n")}\n`));

    await session.execute(`CREATE TEMPORARY TABLE nums (k STRING, x DOUBLE) WITH ('connector' = 'filesystem', 'path' = 'file://${dir}', 'format' = 'json')`);
    const res = await session.execute(
      "SELECT k, ls_double_bits(ls_fsum(x)) AS s, ls_double_bits(ls_fmean(x)) AS m, ls_fsum(x) AS sd, COUNT(*) AS n FROM nums GROUP BY k",
    );
    const got = new Map(res.rows.map(([k, s, m, sd, n]) => [k as string, { s, m, sd, n }]));
    expect([...got.keys()].sort()).toEqual([...g.keys()].sort());
    for (const [k, xs] of g) {
      const sum = combine(sumCombiner, xs);
      const mean = combine(meanCombiner, xs);
      const row = got.get(k)!;
      expect({ k, n: row.n, s: row.s, m: row.m }).toEqual({ k, n: xs.length, s: bits(sum), m: mean === null ? null : bits(mean) });
      // The gateway's JSON prints the double so that it parses back to the same bits.
      expect(bits(row.sd as number)).toBe(bits(sum));
    }
    // Not trivially equal: Flink's own SUM differs where rounding at every step loses bits.
    const naive = await session.execute("SELECT ls_double_bits(SUM(x)) FROM nums WHERE k = 'cancel-0'");
    expect(naive.rows[0]![0]).not.toBe(bits(combine(sumCombiner, g.get("cancel-0")!)));
  });

  it("ignores NaN, ±Infinity and null, reads -0 as 0, and gives 0 / NULL when nothing is numeric", async () => {
    const inputs = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 1.5, null];
    const values =
      "(VALUES (CAST('NaN' AS DOUBLE)), (CAST('Infinity' AS DOUBLE)), (CAST('-Infinity' AS DOUBLE)), (CAST('-0.0' AS DOUBLE)), (1.5E0), (CAST(NULL AS DOUBLE))) AS t(x)";
    const r1 = await session.execute(`SELECT ls_double_bits(ls_fsum(x)), ls_double_bits(ls_fmean(x)) FROM ${values}`);
    expect(r1.rows).toEqual([[bits(combine(sumCombiner, inputs)), bits(combine(meanCombiner, inputs)!)]]);

    const negZero = await session.execute("SELECT ls_double_bits(ls_fsum(x)), ls_double_bits(ls_fmean(x)) FROM (VALUES (CAST('-0.0' AS DOUBLE))) AS t(x)");
    expect(negZero.rows).toEqual([[bits(0), bits(0)]]);

    const none = await session.execute("SELECT ls_double_bits(ls_fsum(x)), ls_fmean(x) FROM (VALUES (CAST(NULL AS DOUBLE)), (CAST('NaN' AS DOUBLE))) AS t(x)");
    expect(none.rows).toEqual([[bits(combine(sumCombiner, [null, Number.NaN])), combine(meanCombiner, [null, Number.NaN])]]);
    expect(none.rows[0]).toEqual([bits(0), null]);
  });

  it("fails the job when the running sum overflows, as the other runners fail the run", async () => {
    expect(() => combine(sumCombiner, [Number.MAX_VALUE, Number.MAX_VALUE])).toThrow(/running sum exceeded/);
    const err = await session.execute("SELECT ls_fsum(x) FROM (VALUES (1.7976931348623157E308), (1.7976931348623157E308)) AS t(x)").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FlinkSqlError);
    expect((err as FlinkSqlError).cause).toMatch(/ArithmeticException: fsum: the running sum exceeded/);
  });

  it("writes doubles to a JSON file sink that Node parses back to the same bits", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lockstep-flink-doubles-"));
    dirs.push(dir);
    const r = rng(SEED + 2);
    const xs = [...Array.from({ length: 20_000 }, () => wideDouble(r)), 5e-324, -5e-324, Number.MAX_VALUE, 2 ** -1022, 0.1, 1 / 3, 1e23, 2e-3, 2 ** 60];
    const src = join(dir, "in");
    const out = join(dir, "out");
    mkdirSync(src);
    writeFileSync(join(src, "part-0.json"), `${xs.map((x, i) => JSON.stringify({ i, x })).join("\n")}\n`);
    await session.execute(`CREATE TEMPORARY TABLE d_in (i INT, x DOUBLE) WITH ('connector' = 'filesystem', 'path' = 'file://${src}', 'format' = 'json')`);
    await session.execute(
      `CREATE TEMPORARY TABLE d_out (i INT, x DOUBLE, b STRING) WITH ('connector' = 'filesystem', 'path' = 'file://${out}', 'format' = 'json')`,
    );
    await session.execute("INSERT INTO d_out SELECT i, x, ls_double_bits(x) FROM d_in");
    const rows = readdirSync(out)
      .filter((f) => !f.startsWith("."))
      .flatMap((f) => readFileSync(join(out, f), "utf8").split("\n"))
      .filter((l) => l !== "")
      .map((l) => JSON.parse(l) as { i: number; x: number; b: string });
    expect(rows).toHaveLength(xs.length);
    // What Flink read: the JSON text Node wrote (-0 is written as 0).
    const sent = (i: number) => bits(JSON.parse(JSON.stringify(xs[i])) as number);
    const wrong = rows.filter((row) => bits(row.x) !== sent(row.i) || row.b !== sent(row.i));
    expect(wrong.slice(0, 5)).toEqual([]);
  });
});
