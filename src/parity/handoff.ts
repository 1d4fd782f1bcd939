/**
 * Backfill meeting streaming, checked (docs/semantics.md §17): for a plan, a
 * history and a cut per source, the view store filled by
 *
 *   1. a DirectRunner run over the records before the cut (its final view as a
 *      store snapshot, its engine state as a checkpoint), then
 *   2. a bounded Kafka run over the records after the cut, started from that
 *      checkpoint, its sink topics applied on top of the snapshot by the
 *      materializer,
 *
 * must hold, key by key, exactly the final view of one DirectRunner run over
 * the whole history. {@link checkHandoffCase} runs one case;
 * {@link handoffCaseArb} generates them from the recipe generator, with
 * histories and cuts drawn at random.
 *
 * @module
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { canonicalJson } from "../core/canonical.ts";
import type { Checkpoint } from "../engine/checkpoint/index.ts";
import { handoffProblems } from "../engine/checkpoint/index.ts";
import type { Plan } from "../plan/ir.ts";
import type { Registry } from "../registry/registry.ts";
import { resolveDefinition } from "../run/definition.ts";
import { openViewStore, outputKeyFields, viewEntriesOf } from "../store/index.ts";
import { runDirect } from "../../runners/direct/runner.ts";
import { runKafka } from "../../runners/kafka/bounded.ts";
import type { KafkaClient } from "../../runners/kafka/client.ts";
import { layoutOf, prefixedNames } from "../../runners/kafka/layout.ts";
import { materializableSinks, startMaterializer } from "../../runners/kafka/materializer.ts";
import type { History, HistoryOptions } from "./histories.ts";
import { historyArb } from "./histories.ts";
import { knownKafkaDivergence } from "./known.ts";
import { buildPipeline, inputsOfRecipe, recipeArb, recipeHistoryModel } from "./pipelines.ts";
import type { Recipe } from "./pipelines.ts";

/** One case: a plan, its history, and how many records of each source come before the cut. */
export interface HandoffCase {
  readonly plan: Plan;
  readonly registry: Registry;
  readonly history: History;
  readonly cut: Readonly<Record<string, number>>;
  readonly recipe?: Recipe;
}

/** A key whose stored rows differ from the whole-history final view. */
export interface HandoffDiff {
  readonly sink: string;
  readonly key: string;
  readonly want: unknown[] | undefined;
  readonly got: unknown[] | undefined;
}

/** What one case gave. */
export interface HandoffOutcome {
  readonly diffs: readonly HandoffDiff[];
  /** Keys compared, over every materializable sink. */
  readonly keys: number;
  /** Keys the stream wrote after the cut (a pane applied by the materializer). */
  readonly streamed: number;
  /** Keys the batch run had that the stream changed after the cut (keys on both sides). */
  readonly carried: number;
  /** Late elements of the whole run that came after the cut (lateness judged across it). */
  readonly lateAfterCut: number;
  readonly checkpoint: Checkpoint;
}

/** The records of `h` before (`prefix`) and after (`suffix`) the cut; tables whole in both. */
export const splitHistory = (plan: Plan, h: History, cut: Readonly<Record<string, number>>) => {
  const sources = new Set(plan.nodes.filter((n) => n.op === "source").map((n) => n.id));
  const prefix: Record<string, unknown[]> = {};
  const suffix: Record<string, unknown[]> = {};
  for (const [name, rs] of Object.entries(h.inputs)) {
    if (!sources.has(name)) {
      prefix[name] = [...rs];
      suffix[name] = [...rs];
      continue;
    }
    const at = Math.min(cut[name] ?? 0, rs.length);
    prefix[name] = rs.slice(0, at);
    suffix[name] = rs.slice(at);
  }
  return { prefix, suffix };
};

/**
 * Runs one case on the broker `brokers` and compares the store with the
 * whole-history final view of every materializable sink.
 */
export const checkHandoffCase = async (
  c: HandoffCase,
  o: { readonly brokers: readonly string[]; readonly client: KafkaClient; readonly timeoutMs?: number; readonly log?: (e: Record<string, unknown>) => void },
): Promise<HandoffOutcome> => {
  const { plan, registry, history } = c;
  const { prefix, suffix } = splitHistory(plan, history, c.cut);
  const whole = await runDirect(plan, { inputs: { ...history.inputs }, registry });
  let checkpoint: Checkpoint | undefined;
  const batch = await runDirect(plan, { inputs: prefix, registry, onCheckpoint: (cp) => void (checkpoint = cp) });
  const dir = mkdtempSync(join(tmpdir(), "lockstep-handoff-"));
  const identity = { name: plan.name, version: plan.version, hash: plan.hash };
  const sinks = materializableSinks(plan);
  const fields = outputKeyFields(plan);
  const appId = `lockstep-handoff-${Math.random().toString(36).slice(2, 10)}`;
  try {
    const store = openViewStore(dir, { definition: identity });
    for (const sink of sinks) await store.writeSnapshot(sink, viewEntriesOf(dir, sink, fields.get(sink)!, batch.outputs[sink] ?? []));
    let streamed = 0;
    try {
      await runKafka(plan, {
        inputs: suffix,
        registry,
        brokers: o.brokers,
        client: o.client,
        partitions: history.partitions,
        appId,
        keepTopics: true,
        fromCheckpoint: checkpoint!,
        timeoutMs: o.timeoutMs ?? 60_000,
        ...(o.log ? { log: o.log } : {}),
      });
      const m = await startMaterializer({ client: o.client, plan, store, topicPrefix: `${appId}.`, onApplied: (e) => void (streamed += e.panes) });
      try {
        // Caught up once the store reflects every committed record of the sink topics. (Not
        // `caughtUp()`: it compares with the end offsets, which an aborted transaction at a
        // partition's tail puts past any record the materializer will ever be given.)
        const want: [string, string, number][] = [];
        for (const sink of sinks)
          for (const r of await o.client.readAll(`${appId}.${sink}`)) {
            const w = want.find(([s, p]) => s === sink && p === String(r.partition));
            if (w) w[2] = Math.max(w[2], r.offset + 1);
            else want.push([sink, String(r.partition), r.offset + 1]);
          }
        const deadline = Date.now() + (o.timeoutMs ?? 60_000);
        const behind = () => want.filter(([s, p, next]) => Number(store.offsets(s)[p] ?? 0) < next);
        while (behind().length > 0) {
          const e = m.error();
          if (e) throw e;
          if (Date.now() > deadline)
            throw new Error(
              `materializer: not caught up: ${behind()
                .map(([s, p, n]) => `${s}[${p}] at ${store.offsets(s)[p] ?? 0} of ${n}`)
                .join(", ")}`,
            );
          await new Promise((r) => setTimeout(r, 50));
        }
      } finally {
        await m.stop();
      }
    } finally {
      const layout = layoutOf(plan, appId, history.partitions, prefixedNames(`${appId}.`, appId));
      await o.client.deleteTopics(layout.topics.map((t) => t.topic)).catch(() => {});
    }
    const diffs: HandoffDiff[] = [];
    let keys = 0;
    let carried = 0;
    for (const sink of sinks) {
      for (const e of viewEntriesOf(dir, sink, fields.get(sink)!, batch.outputs[sink] ?? []))
        if (canonicalJson(store.get(sink, e.key)) !== canonicalJson(e.rows)) carried++;
      const want = viewEntriesOf(dir, sink, fields.get(sink)!, whole.outputs[sink] ?? []);
      const seen = new Set<string>();
      for (const e of want) {
        keys++;
        const k = canonicalJson(e.key);
        seen.add(k);
        const got = store.get(sink, e.key);
        if (canonicalJson(got) !== canonicalJson(e.rows)) diffs.push({ sink, key: k, want: [...e.rows], got });
      }
      // A key the store holds that the whole run has not: a stale pane of the batch or the stream.
      const held = store.sink(sink)?.keys ?? 0;
      if (held !== want.length) {
        for (const e of viewEntriesOf(dir, sink, fields.get(sink)!, batch.outputs[sink] ?? [])) {
          const k = canonicalJson(e.key);
          if (!seen.has(k) && store.get(sink, e.key) !== undefined) diffs.push({ sink, key: k, want: undefined, got: store.get(sink, e.key) });
        }
        if (!diffs.some((d) => d.sink === sink && d.want === undefined))
          diffs.push({ sink, key: `(${held} keys held, ${want.length} expected)`, want: undefined, got: undefined });
      }
    }
    await store.close();
    const lateAfterCut = whole.late.filter((l) => l.offset > (c.cut[l.source] ?? 0)).length;
    return { diffs, keys, streamed, carried, lateAfterCut, checkpoint: checkpoint! };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

/**
 * A recipe the handoff applies to: one Kafka runs like Direct, {@link handoffProblems} accepts, with a
 * sink a store can serve (rows wrapped by `tagRows` lose their key fields: no output key to store by).
 */
export const handoffRecipe = (r: Recipe): boolean => {
  if (knownKafkaDivergence(r) || r.post?.kind === "tagRows") return false;
  const { plan } = resolveDefinition(buildPipeline(r), undefined);
  if (handoffProblems(plan).length > 0) return false;
  try {
    return materializableSinks(plan).length > 0;
  } catch {
    return false;
  }
};

/**
 * Generated cases: a recipe the handoff applies to, a history of its inputs (`histories`, default up
 * to 40 records per source, no extreme numbers: a sum past ±1.8e308 fails every run, §14), and a cut per source drawn inside it (at least one record on each side
 * when the source has two).
 */
export const handoffCaseArb = (opts: { readonly recipes?: fc.Arbitrary<Recipe>; readonly histories?: HistoryOptions } = {}): fc.Arbitrary<HandoffCase> =>
  fc
    .tuple(
      (opts.recipes ?? recipeArb).filter(handoffRecipe),
      historyArb(recipeHistoryModel, opts.histories ?? { maxRecords: 40, size: "medium", extremes: false }),
    )
    .chain(([recipe, h]) => {
      const { plan, registry } = resolveDefinition(buildPipeline(recipe), undefined);
      const used = inputsOfRecipe(recipe);
      const names = new Set([...used.sources, ...used.tables]);
      const history: History = { ...h, inputs: Object.fromEntries(Object.entries(h.inputs).filter(([k]) => names.has(k))) };
      const cuts = Object.fromEntries(
        used.sources.map((s) => {
          const n = history.inputs[s]?.length ?? 0;
          return [s, n >= 2 ? fc.integer({ min: 1, max: n - 1 }) : fc.integer({ min: 0, max: n })];
        }),
      );
      return fc.record(cuts).map((cut) => ({ plan, registry, history, cut, recipe }));
    });

/** What {@link checkHandoff} found. */
export interface HandoffReport {
  readonly ok: boolean;
  /** One line when ok (cases, keys compared, keys on both sides, late elements after the cut); the first failing case otherwise. */
  readonly text: string;
  readonly outcomes: readonly HandoffOutcome[];
}

/**
 * The handoff property over `runs` generated cases (seeded): every key of every materializable sink
 * served as Direct(whole) serves it. Stops at the first failing case (each case costs a Kafka run,
 * so it is reported as found, not shrunk).
 */
export const checkHandoff = async (o: {
  readonly runs: number;
  readonly seed: number;
  readonly brokers: readonly string[];
  readonly client: KafkaClient;
  readonly histories?: HistoryOptions;
  readonly log?: (e: Record<string, unknown>) => void;
}): Promise<HandoffReport> => {
  const outcomes: HandoffOutcome[] = [];
  let failure: string | undefined;
  const r = await fc.check(
    fc.asyncProperty(handoffCaseArb(o.histories ? { histories: o.histories } : {}), async (c) => {
      const out = await checkHandoffCase(c, { brokers: o.brokers, client: o.client, ...(o.log ? { log: o.log } : {}) });
      outcomes.push(out);
      if (out.diffs.length > 0) {
        failure = [
          `${out.diffs.length} key(s) differ from Direct(whole), e.g. ${canonicalJson(out.diffs.slice(0, 3))}`,
          `recipe ${canonicalJson(c.recipe)}`,
          `cut ${canonicalJson(c.cut)} of ${canonicalJson(Object.fromEntries(Object.entries(c.history.inputs).map(([k, v]) => [k, v.length])))}, partitions ${c.history.partitions}`,
          `history ${canonicalJson(c.history.inputs)}`,
        ].join("\n");
        return false;
      }
      return true;
    }),
    { numRuns: o.runs, seed: o.seed, endOnFailure: true },
  );
  const sum = (f: (x: HandoffOutcome) => number) => outcomes.reduce((n, x) => n + f(x), 0);
  const summary = `${outcomes.length} cases, ${sum((x) => x.keys)} keys compared, ${sum((x) => x.carried)} keys changed after the cut, ${sum((x) => x.lateAfterCut)} late elements after the cut (seed ${o.seed})`;
  if (!r.failed) return { ok: true, text: summary, outcomes };
  return { ok: false, text: `${failure ?? String(r.errorInstance ?? "the property failed")}\n(${summary})`, outcomes };
};
