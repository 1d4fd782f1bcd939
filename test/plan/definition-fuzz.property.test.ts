/**
 * Definition fuzzing (issue 13): mutations of compiled definitions — the
 * examples' and generated pipelines' (src/parity/pipelines.ts) — with fields
 * changed, deleted, duplicated and renamed, types swapped, Object.prototype
 * names and code-injection strings inserted, and nesting made deep. Each case
 * must be refused with a DefinitionError, or load and run on the DirectRunner
 * and the Arquero runner (a few records per input); nothing may crash with
 * another error, and no inserted text may run as code.
 *
 * FUZZ_RUNS sets the number of cases (default 500); FUZZ_SEED the seed. The
 * counts by outcome are printed (`definition fuzz: …`).
 *
 *   FUZZ_RUNS=10000 npx vitest run test/plan/definition-fuzz.property.test.ts
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson } from "../../src/core/canonical.ts";
import { DefinitionError, DefinitionErrors, RunError } from "../../src/core/errors.ts";
import { compile, hashPlan, parsePlan, registryOf } from "../../src/plan/index.ts";
import type { Pipeline } from "../../src/plan/graph.ts";
import type { Plan } from "../../src/plan/ir.ts";
import type { Registry } from "../../src/registry/registry.ts";
import { buildPipeline, recipeArb } from "../../src/parity/pipelines.ts";
import { runArquero } from "../../runners/arquero/index.ts";
import { runDirect } from "../../runners/direct/index.ts";
import sessions from "../../examples/sessions.ts";
import userSequences from "../../examples/user-sequences.ts";
import windowCount from "../../examples/window-count.ts";
import wordcount from "../../examples/wordcount.ts";

const RUNS = Number(process.env.FUZZ_RUNS ?? 500);
const SEED = Number(process.env.FUZZ_SEED ?? 20261202);

type Json = unknown;
interface Seed {
  readonly name: string;
  readonly plan: Json;
  readonly registry: Registry;
}

const seedOf = (name: string, p: Pipeline): Seed => ({ name, plan: JSON.parse(JSON.stringify(compile(p))), registry: registryOf(p) });
const SEEDS: Seed[] = [
  seedOf("user-sequences", userSequences),
  seedOf("window-count", windowCount),
  seedOf("sessions", sessions),
  seedOf("wordcount", wordcount),
  ...fc.sample(recipeArb, { seed: 7, numRuns: 12 }).map((r, i) => seedOf(`generated-${i}`, buildPipeline(r, `generated-${i}`))),
];

const PROTO_NAMES = Object.getOwnPropertyNames(Object.prototype);
const PWNED = "__lockstepFuzzPwned";
const INJECTIONS = [
  `"); globalThis.${PWNED} = 1; ("`,
  `'); globalThis.${PWNED} = 1; ('`,
  "${globalThis." + PWNED + " = 1}",
  "`+(globalThis." + PWNED + "=1)+`",
  `\u2028globalThis.${PWNED} = 1;//`,
  `*/ globalThis.${PWNED} = 1; /*`,
  `x] = 1; globalThis.${PWNED} = 1; //`,
];

/** A value nested `n` levels deep (built in a loop, never by recursion). */
const nested = (n: number, inner: Json, wrap: (x: Json) => Json): Json => {
  let v = inner;
  for (let i = 0; i < n; i++) v = wrap(v);
  return v;
};

const scalarArb: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1, 1.5, 2 ** 53 + 2, -1e308, 1e308, "", "x", "ts", "key", "count", "fixed", "source", "call", "field"),
  fc.constantFrom(...PROTO_NAMES),
  fc.constantFrom(...INJECTIONS),
  fc.string({ maxLength: 8 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

const valueArb: fc.Arbitrary<Json> = fc.oneof(
  { weight: 4, arbitrary: scalarArb },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  { weight: 1, arbitrary: fc.constantFrom<Json>([], {}, [null], { op: "row" }, { op: "lit" }, { op: "call", fn: "add", args: [] }) },
  { weight: 1, arbitrary: fc.constantFrom(...PROTO_NAMES).map((n): Json => ({ op: n, fn: n, kind: n, path: [n], args: [] })) },
  { weight: 1, arbitrary: fc.integer({ min: 200, max: 3000 }).map((n) => nested(n, 1, (x) => [x])) },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 100, max: 2000 })
      .map((n) => nested(n, { op: "field", path: ["ts"] }, (x) => ({ op: "call", fn: "add", args: [x, { op: "lit", value: 1 }] }))),
  },
);

/** Every position in the tree: the container and the key or index there. */
type Pos = { readonly parent: Record<string, Json> | Json[]; readonly key: string | number; readonly path: string };
const positions = (root: Json): Pos[] => {
  const out: Pos[] = [];
  const stack: { v: Json; path: string; depth: number }[] = [{ v: root, path: "", depth: 0 }];
  while (stack.length > 0) {
    const { v, path, depth } = stack.pop()!;
    if (typeof v !== "object" || v === null || depth > 40) continue;
    if (Array.isArray(v)) {
      v.forEach((x, i) => {
        out.push({ parent: v, key: i, path: `${path}[${i}]` });
        stack.push({ v: x, path: `${path}[${i}]`, depth: depth + 1 });
      });
    } else {
      for (const k of Object.keys(v)) {
        out.push({ parent: v as Record<string, Json>, key: k, path: `${path}.${k}` });
        stack.push({ v: (v as Record<string, Json>)[k], path: `${path}.${k}`, depth: depth + 1 });
      }
    }
  }
  return out;
};

/** A deep copy made with a loop: structuredClone and JSON overflow the stack on the deep values inserted here. */
const clone = (root: Json): Json => {
  const copyOf = (v: Json): Json => (Array.isArray(v) ? new Array(v.length) : typeof v === "object" && v !== null ? {} : v);
  const out = copyOf(root);
  const stack: [Json, Json][] = [[root, out]];
  while (stack.length > 0) {
    const [from, to] = stack.pop()!;
    if (typeof from !== "object" || from === null) continue;
    for (const k of Object.keys(from)) {
      const c = copyOf((from as Record<string, Json>)[k]);
      if (Array.isArray(to)) to[Number(k)] = c;
      else define(to as Record<string, Json>, k, c);
      stack.push([(from as Record<string, Json>)[k], c]);
    }
  }
  return out;
};

/** Sets a key as an own data property ("__proto__" included, which `o[k] = v` would not). */
const define = (o: Record<string, Json>, k: string, v: Json): void =>
  void Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });

const get = (p: Pos): Json => (p.parent as Record<string | number, Json>)[p.key];
const set = (p: Pos, v: Json): void => (Array.isArray(p.parent) ? void (p.parent[p.key as number] = v) : define(p.parent, p.key as string, v));

const swapType = (v: Json): Json => {
  if (typeof v === "string") return Number.isNaN(Number(v)) ? [v] : Number(v);
  if (typeof v === "number") return String(v);
  if (typeof v === "boolean") return v ? 1 : "false";
  if (v === null) return {};
  if (Array.isArray(v)) return Object.fromEntries(v.map((x, i) => [String(i), x]));
  return Object.values(v as object);
};

type Mutation =
  | { kind: "delete"; at: number }
  | { kind: "replace"; at: number; value: Json }
  | { kind: "swapType"; at: number }
  | { kind: "duplicate"; at: number; to: number }
  | { kind: "rename"; at: number; name: string }
  | { kind: "insertKey"; at: number; name: string; value: Json }
  | { kind: "deepen"; at: number; levels: number }
  | { kind: "retext"; at: number; text: string; num: number };

const nameArb = fc.oneof(
  fc.constantFrom(...PROTO_NAMES),
  fc.constantFrom("id", "op", "input", "expr", "kind", "fn", "args", "path", "hash"),
  fc.string({ maxLength: 6 }),
);
const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  // Same type, other content (a field name, a literal, a stage name, a number): often still valid, so it runs.
  fc.record({
    kind: fc.constant("retext" as const),
    at: fc.nat(),
    text: fc.oneof(nameArb, fc.constantFrom(...INJECTIONS)),
    num: fc.oneof(fc.integer({ min: -3, max: 1e6 }), fc.double({ noNaN: true, noDefaultInfinity: true })),
  }),
  fc.record({ kind: fc.constant("retext" as const), at: fc.nat(), text: fc.constantFrom(...PROTO_NAMES, ...INJECTIONS), num: fc.constantFrom(0, 1, 2, 1e308) }),
  fc.record({ kind: fc.constant("delete" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("replace" as const), at: fc.nat(), value: valueArb }),
  fc.record({ kind: fc.constant("swapType" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("duplicate" as const), at: fc.nat(), to: fc.nat() }),
  fc.record({ kind: fc.constant("rename" as const), at: fc.nat(), name: nameArb }),
  fc.record({ kind: fc.constant("insertKey" as const), at: fc.nat(), name: nameArb, value: valueArb }),
  fc.record({ kind: fc.constant("deepen" as const), at: fc.nat(), levels: fc.integer({ min: 100, max: 3000 }) }),
);

/** Applies `m` to `root` in place; returns whether it touched the hash field. */
const apply = (root: Json, m: Mutation): boolean => {
  const ps = positions(root);
  if (ps.length === 0) return false;
  const p = ps[m.at % ps.length]!;
  const touchesHash = p.path === ".hash";
  switch (m.kind) {
    case "delete":
      if (Array.isArray(p.parent)) p.parent.splice(p.key as number, 1);
      else delete p.parent[p.key as string];
      break;
    case "replace":
      set(p, m.value);
      break;
    case "swapType":
      set(p, swapType(get(p)));
      break;
    case "duplicate": {
      const q = ps[m.to % ps.length]!;
      const copy = clone(get(q));
      if (Array.isArray(p.parent))
        p.parent.splice(p.key as number, 0, copy); // e.g. a second node with the same id
      else set(p, copy);
      break;
    }
    case "rename":
      if (!Array.isArray(p.parent)) {
        const v = get(p);
        delete p.parent[p.key as string];
        define(p.parent, m.name, v);
      }
      break;
    case "insertKey": {
      const v = get(p);
      if (typeof v === "object" && v !== null && !Array.isArray(v)) define(v as Record<string, Json>, m.name, m.value);
      else if (!Array.isArray(p.parent)) define(p.parent, m.name, m.value);
      break;
    }
    case "retext": {
      const v = get(p);
      if (typeof v === "string") set(p, m.text);
      else if (typeof v === "number") set(p, m.num);
      else if (typeof v === "object" && v !== null) {
        // Into the first string or number below: field paths, literals, names.
        const inner = positions(v).find((q) => typeof get(q) === "string" || typeof get(q) === "number");
        if (inner) set(inner, typeof get(inner) === "string" ? m.text : m.num);
      }
      break;
    }
    case "deepen":
      set(
        p,
        nested(m.levels, get(p), (x) => [x]),
      );
      break;
  }
  return touchesHash;
};

/** The mutated plan with its hash recomputed (unless the hash itself was the mutation), so validation is reached. */
const rehash = (plan: Json, hashTouched: boolean): void => {
  if (hashTouched || typeof plan !== "object" || plan === null || Array.isArray(plan)) return;
  const { hash: _h, ...rest } = plan as Record<string, Json>;
  define(plan as Record<string, Json>, "hash", hashPlan(rest as never));
};

const EVENT = {
  id: "e1",
  eventId: "e1",
  k: "a",
  key: "a",
  userId: "u",
  itemId: "i",
  type: "view",
  durationMs: 2000,
  ts: 1000,
  x: 2,
  s: "ab",
  tag: "a",
  line: "a b a",
};
const ROW = { s: "ab", label: "L", from: 0, itemId: "i", category: "c", updatedAt: 0 };
const inputsOf = (plan: Plan): Record<string, unknown[]> =>
  Object.fromEntries(
    plan.nodes
      .filter((n) => n.op === "source" || n.op === "table")
      .map((n) => [n.id, n.op === "table" ? [ROW] : [EVENT, { ...EVENT, id: "e2", eventId: "e2", ts: 5000, x: -1 }, { ...EVENT, ts: 20_000 }]]),
  );

type Outcome = "accepted" | "rejected" | "runError" | "crashed";
const isDefinitionError = (e: unknown): boolean => e instanceof DefinitionErrors || e instanceof DefinitionError;
/** A refusal must say where and how to fix: "path: problem. Fix: …" for each error. */
const clear = (e: unknown): boolean => {
  const errors = e instanceof DefinitionErrors ? e.errors : [e as DefinitionError];
  return errors.length > 0 && errors.every((x) => x.path.length > 0 && x.problem.length > 0 && x.fix.length > 0);
};

describe(`definition fuzz (${RUNS} cases, seed ${SEED})`, () => {
  it(
    "every mutated definition is accepted and runs, or is refused with a clear DefinitionError; nothing crashes or runs injected code",
    async () => {
      const counts: Record<Outcome, number> = { accepted: 0, rejected: 0, runError: 0, crashed: 0 };
      const crashes: string[] = [];
      let slowest = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.nat({ max: SEEDS.length - 1 }),
          fc.array(mutationArb, { minLength: 1, maxLength: 3 }),
          fc.boolean(),
          async (s, mutations, asText) => {
            const seed = SEEDS[s]!;
            const plan = clone(seed.plan);
            let hashTouched = false;
            for (const m of mutations) hashTouched = apply(plan, m) || hashTouched;
            rehash(plan, hashTouched);
            const started = performance.now();
            let outcome: Outcome;
            let loaded: Plan | undefined;
            try {
              loaded = parsePlan(asText ? canonicalJson(plan) : plan, seed.registry);
            } catch (e) {
              if (!isDefinitionError(e) || !clear(e))
                crashes.push(`${seed.name} ${JSON.stringify(mutations).slice(0, 300)}: ${(e as Error)?.stack?.slice(0, 400)}`);
              outcome = isDefinitionError(e) && clear(e) ? "rejected" : "crashed";
            }
            if (loaded !== undefined) {
              try {
                const inputs = inputsOf(loaded);
                await runDirect(loaded, { inputs, registry: seed.registry, onExecutorError: "deadLetter" });
                await runArquero(loaded, { inputs, registry: seed.registry, onExecutorError: "deadLetter", log: () => {}, progress: false });
                outcome = "accepted";
              } catch (e) {
                const ok = isDefinitionError(e) || e instanceof RunError;
                if (!ok) crashes.push(`${seed.name} ${JSON.stringify(mutations).slice(0, 300)} (at run): ${(e as Error)?.stack?.slice(0, 400)}`);
                outcome = ok ? (isDefinitionError(e) ? "rejected" : "runError") : "crashed";
              }
            }
            slowest = Math.max(slowest, performance.now() - started);
            counts[outcome!]++;
            expect((globalThis as Record<string, unknown>)[PWNED], "injected text ran as code").toBeUndefined();
          },
        ),
        { numRuns: RUNS, seed: SEED },
      );
      console.log(
        `definition fuzz: ${RUNS} cases (seed ${SEED}): ${counts.accepted} accepted and ran, ${counts.rejected} refused with a DefinitionError, ${counts.runError} failed at run with a RunError, ${counts.crashed} crashed; slowest case ${Math.round(slowest)} ms`,
      );
      expect(crashes.slice(0, 5)).toEqual([]);
      expect(counts.crashed).toBe(0);
    },
    Math.max(120_000, RUNS * 200),
  );
});
