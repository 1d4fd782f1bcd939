import { it } from "vitest";
import { runKafka } from "../../../runners/kafka/index.ts";
import us from "../../../examples/user-sequences.ts";
import { brokers, engagement, jsonl } from "./helpers.ts";
it("log", async () => {
  const { events, items } = engagement(29, 3000);
  const t0 = Date.now();
  await runKafka(us, { inputs: { events: jsonl("events", events), items: jsonl("items", items) }, brokers: brokers(), partitions: 3, instances: 2, log: (e) => console.log(Date.now() - t0, JSON.stringify(e)) });
});
