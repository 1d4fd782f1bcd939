// The "existing deployment" path: a standalone session cluster (JobManager + TaskManager, two
// processes started from the cached jars) reached through a SQL Gateway pointed at it.
import { describe, expect, it } from "vitest";
import { startLocalCluster, startLocalGateway } from "../../../scripts/flink/gateway.ts";
import { BATCH_SESSION, connectGateway } from "../../../runners/flink/gateway/index.ts";

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
});
