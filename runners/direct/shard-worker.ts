/**
 * Worker thread entry of a DirectRunner run with `workers` (shards.ts): runs
 * the ordinary Direct engine (engine.ts, state in memory) over the records the
 * main thread sends it — every table record, then its shard's source records,
 * each batch in the main thread's arrival order — and at the end of input
 * fires the open windows and posts its final views, side outputs and metrics.
 *
 * The registry is rebuilt here: a plan's executors are code, which cannot be
 * sent to a thread, so the worker imports the module the run names
 * (`workerRegistry`) and calls its `workerRegistry(arg)` export.
 *
 * @module
 */
import { pathToFileURL } from "node:url";
import { parentPort, workerData } from "node:worker_threads";
import { type FinalView, MemoryStateBackend } from "../../src/engine/index.ts";
import type { Plan } from "../../src/plan/ir.ts";
import type { Registry } from "../../src/registry/registry.ts";
import { createRegistry } from "../../src/registry/registry.ts";
import { resolveDefinition } from "../../src/run/definition.ts";
import { directEngine } from "./engine.ts";
import type { DirectEngine } from "./engine.ts";
import { errorToMessage } from "./shard-errors.ts";
import type { FromShard, ShardData, ToShard } from "./shard-messages.ts";

const data = workerData as ShardData;
const port = parentPort!;
const post = (m: FromShard): void => port.postMessage(m);

/** The run's registry: from the named module, else empty (a plan that references no code). */
const registryOf = async (): Promise<Registry> => {
  if (!data.registry) return createRegistry();
  const href = /^[a-z]+:/.test(data.registry.module) ? data.registry.module : pathToFileURL(data.registry.module).href;
  const mod = (await import(href)) as { workerRegistry?: (arg: unknown) => Registry | Promise<Registry> };
  if (typeof mod.workerRegistry !== "function") throw new Error(`${data.registry.module} has no export workerRegistry(arg) returning the run's registry`);
  return mod.workerRegistry(data.registry.arg);
};

const isPromiseLike = (x: unknown): x is Promise<unknown> => typeof (x as { then?: unknown })?.then === "function";

let engine: DirectEngine | undefined;
let inputIds: readonly string[] = [];

/** Handles one message; messages are handled one after another (a push may wait on a service). */
const handle = async (m: ToShard): Promise<void> => {
  const { topo } = engine!;
  if (m.kind === "records") {
    for (let i = 0; i < m.records.length; i++) {
      const p = topo.push(inputIds[m.inputs[i]!]!, m.records[i]!);
      if (isPromiseLike(p)) await p;
    }
    post({ kind: "ack" });
    return;
  }
  await topo.finish();
  const views: Record<string, ReturnType<FinalView["parts"]>> = {};
  for (const [sink, view] of engine!.views) views[sink] = (view as FinalView).parts();
  post({ kind: "done", views, deadLetters: engine!.deadLetters, late: engine!.late, metrics: engine!.metrics });
};

const fail = (e: unknown): void => {
  post({ kind: "error", error: errorToMessage(e) });
};

try {
  const registry = await registryOf();
  const { plan } = resolveDefinition(data.plan as Plan, registry);
  engine = directEngine(plan, registry, new MemoryStateBackend(), data.onExecutorError);
  inputIds = data.inputIds;
  let chain: Promise<void> = Promise.resolve();
  let failed = false;
  port.on("message", (m: ToShard) => {
    chain = chain
      // Nothing after a failure counts: later batches are not pushed.
      .then(() => (failed ? undefined : handle(m)))
      .catch((e: unknown) => {
        failed = true;
        fail(e);
      });
  });
} catch (e) {
  fail(e);
}
