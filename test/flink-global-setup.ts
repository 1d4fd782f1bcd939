/**
 * Vitest globalSetup: one Flink SQL Gateway for the whole test run.
 *
 * Uses the gateway in FLINK_GATEWAY when that is set (a real deployment, or
 * `npx tsx scripts/flink/start.ts` in another terminal); otherwise starts a throwaway local one
 * (scripts/flink/gateway.ts: JobManager + TaskManager + SQL Gateway), exposes it as
 * process.env.FLINK_GATEWAY (inherited by the test workers) and as `inject("flinkGateway")`,
 * and stops it after the run.
 */
import type { TestProject } from "vitest/node";
import { startLocalGateway } from "../scripts/flink/gateway.ts";
import { buildJsUdfJars } from "../scripts/flink/udfs.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** The SQL Gateway's REST endpoint, e.g. "http://127.0.0.1:38083". */
    flinkGateway: string;
  }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const existing = process.env.FLINK_GATEWAY;
  if (existing) {
    project.provide("flinkGateway", existing);
    return undefined;
  }
  // The executor functions' GraalJS runtime goes on the TaskManager's own classpath (a real
  // deployment in FLINK_GATEWAY needs it in its lib/ for test/runners/flink/graaljs.test.ts).
  const { runtime } = await buildJsUdfJars();
  const gateway = await startLocalGateway({ extraJars: runtime });
  process.env.FLINK_GATEWAY = gateway.url;
  project.provide("flinkGateway", gateway.url);
  return async () => {
    delete process.env.FLINK_GATEWAY;
    await gateway.stop();
  };
}
