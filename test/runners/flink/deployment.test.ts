// The "existing deployment" path: a standalone session cluster (JobManager + TaskManager, two
// processes started from the cached jars) reached through a SQL Gateway pointed at it.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startLocalCluster, startLocalGateway } from "../../../scripts/flink/gateway.ts";
import { buildJsUdfJars } from "../../../scripts/flink/udfs.ts";
import { BATCH_SESSION, connectGateway } from "../../../runners/flink/gateway/index.ts";
import { cli, repo, tempDir } from "../../cli/helpers.ts";

describe("a gateway in front of an existing Flink session cluster", () => {
  it("runs statements as jobs of that cluster, and each stops on its own", async () => {
    const cluster = await startLocalCluster();
    try {
      const overview = (await (await fetch(`${cluster.restUrl}/overview`)).json()) as { taskmanagers: number; "slots-total": number };
      expect(overview.taskmanagers).toBe(1);

      const gw = await startLocalGateway({ cluster: cluster.restUrl });
      try {
        expect(gw.restUrl).toBe(cluster.restUrl);
        const session = await connectGateway(gw.url).openSession({ ...BATCH_SESSION });
        const r = await session.execute("SELECT COUNT(*) AS n, SUM(x) AS s FROM (VALUES (1), (2), (3)) AS t(x)");
        expect(r.rows).toEqual([[3, 6]]);
        // The job ran on that cluster: its JobManager knows it, finished.
        const job = (await (await fetch(`${cluster.restUrl}/jobs/${r.jobId}`)).json()) as { state: string };
        expect(job.state).toBe("FINISHED");
        await session.close();
      } finally {
        await gw.stop();
      }
      await expect(fetch(`${gw.url}/v1/info`)).rejects.toThrow();
      // The cluster outlives the gateway in front of it.
      expect((await fetch(`${cluster.restUrl}/overview`)).ok).toBe(true);
    } finally {
      await cluster.stop();
    }
    await expect(fetch(`${cluster.restUrl}/overview`)).rejects.toThrow();
  });

  it("runs the flagship, executor included, at parallelism 2 with the definition unchanged: the DirectRunner's files", async () => {
    // An existing deployment carries the GraalJS runtime on its TaskManagers' classpath (docs/flink-runner.md).
    const { runtime } = await buildJsUdfJars();
    const cluster = await startLocalCluster({ extraJars: runtime });
    try {
      const gw = await startLocalGateway({ cluster: cluster.restUrl, extraJars: runtime });
      try {
        const dir = tempDir();
        const args = [
          "run",
          repo("examples/user-sequences.ts"),
          "--in",
          `events=${repo("examples/data/events.jsonl")}`,
          "--in",
          `items=${repo("examples/data/items.jsonl")}`,
          "-q",
        ];
        const files = (runner: string) => ["--out", `sequences=${join(dir, `${runner}.jsonl`)}`, "--dead-letters", join(dir, `${runner}-dead.jsonl`)];
        const direct = await cli(...args, ...files("direct"));
        expect(direct.code, direct.err).toBe(0);
        const flink = await cli(...args, "--runner", "flink", "--gateway", gw.url, "--parallelism", "2", ...files("flink"));
        expect(flink.code, flink.err).toBe(0);
        const read = (f: string) => readFileSync(join(dir, f), "utf8");
        expect(read("flink.jsonl")).toBe(read("direct.jsonl"));
        expect(read("flink-dead.jsonl")).toBe(read("direct-dead.jsonl"));
        // The job ran on that cluster.
        const jobs = (await (await fetch(`${cluster.restUrl}/jobs/overview`)).json()) as { jobs: { state: string; jid: string }[] };
        expect(jobs.jobs.length).toBeGreaterThan(0);
        expect(jobs.jobs.every((j) => j.state === "FINISHED")).toBe(true);
        // The job's parallelism is 2; Flink's adaptive batch scheduler then gives each vertex at most that
        // (on this tiny input it picks 1), so the job's configuration is what says the option arrived.
        const configs = await Promise.all(
          jobs.jobs.map(
            async (j) => (await (await fetch(`${cluster.restUrl}/jobs/${j.jid}/config`)).json()) as { "execution-config": { "job-parallelism": number } },
          ),
        );
        expect(configs.map((c) => c["execution-config"]["job-parallelism"])).toEqual(jobs.jobs.map(() => 2));
      } finally {
        await gw.stop();
      }
    } finally {
      await cluster.stop();
    }
  });
});
