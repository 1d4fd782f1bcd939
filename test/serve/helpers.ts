/** Stores written by real runs, and servers started on 127.0.0.1 port 0, for the serving tests. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { runDirect } from "../../runners/direct/index.ts";
import type { RunResult } from "../../runners/direct/index.ts";
import { compile, registryOf } from "../../src/plan/index.ts";
import type { Pipeline, Plan } from "../../src/plan/index.ts";
import type { Registry } from "../../src/registry/registry.ts";
import { startServer } from "../../src/serve/server.ts";
import type { RunningServer, ServeOptions } from "../../src/serve/server.ts";
import { openViewStore, outputKeyFields, viewEntriesOf } from "../../src/store/index.ts";

/** A path under the repository root. */
export const repo = (p: string): string => join(import.meta.dirname, "../..", p);

/** A fresh directory under os.tmpdir(), removed after the file's tests. */
export const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), "lockstep-serve-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
};

/** A pipeline run on the DirectRunner, its final views written to a store in `dir`. */
export interface Stored {
  readonly plan: Plan;
  readonly registry: Registry;
  readonly result: RunResult;
  readonly store: string;
}

/** Runs `pipeline` on Direct over `inputs` and writes every keyed sink's final view to a store in `dir`. */
export const storeOf = async (pipeline: Pipeline, inputs: Record<string, string>, dir: string, registry?: Registry): Promise<Stored> => {
  const plan = compile(pipeline);
  const reg = registry ?? registryOf(pipeline);
  const result = await runDirect(plan, { inputs, registry: reg });
  const store = openViewStore(dir, { definition: { name: plan.name, version: plan.version, hash: plan.hash } });
  for (const [sink, fields] of outputKeyFields(plan)) if (fields) await store.writeSnapshot(sink, viewEntriesOf(dir, sink, fields, result.outputs[sink]!));
  await store.close();
  return { plan, registry: reg, result, store: dir };
};

/** Starts a server; stopped after the file's tests. */
export const serverOf = async (o: ServeOptions): Promise<RunningServer> => {
  const s = await startServer({ ...o, port: 0 });
  afterAll(() => s.close());
  return s;
};

/** GET a path; the status and the parsed JSON body. */
export const getJson = async (base: string, path: string): Promise<{ status: number; body: any }> => {
  const r = await fetch(base + path);
  return { status: r.status, body: await r.json() };
};

/** POST JSON to a path; the status and the parsed JSON body. */
export const postJson = async (base: string, path: string, body: unknown): Promise<{ status: number; body: any }> => {
  const r = await fetch(base + path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: r.status, body: await r.json() };
};

/** Waits until `check` holds, polling, for at most `ms`. */
export const until = async (check: () => Promise<boolean>, ms = 20_000): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 25));
  }
};
