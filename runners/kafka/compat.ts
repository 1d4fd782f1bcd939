/**
 * State compatibility between a running application and a changed
 * definition. Each stateful stage's definition (everything that shapes its
 * state: op, key, window, aggregates…) is recorded in the application's
 * compacted `<appId>.meta` topic. A new definition that keeps a stage's name
 * but changes what its state means is refused at start, before it could
 * misread the old state.
 *
 * @module
 */
import { canonicalJson } from "../../src/core/canonical.ts";
import { DefinitionError, DefinitionErrors } from "../../src/core/errors.ts";
import type { Plan, PlanNode } from "../../src/plan/ir.ts";
import { inputsOf } from "../../src/plan/ir.ts";
import { validatePlan } from "../../src/plan/validate.ts";
import type { KafkaClient } from "./client.ts";

/** The topic holding an application's stage signatures. */
export const metaTopic = (appId: string): string => `${appId}.meta`;

/** What a stateful stage's state depends on: its own fields (not its input names) plus its key and window. */
export const stateSignatures = (plan: Plan): Map<string, string> => {
  const { hash: _h, ...unhashed } = plan;
  const facts = validatePlan(unhashed);
  const out = new Map<string, string>();
  for (const n of plan.nodes) {
    if (!["withTimestamps", "dedupe", "sequence", "combine", "join"].includes(n.op)) continue;
    const { id: _id, input: _i, left: _l, right: _r, ...own } = n as PlanNode & Record<string, unknown>;
    const f = facts.get(inputsOf(n)[0]!);
    out.set(
      n.id,
      canonicalJson({ ...own, key: f?.key ?? null, window: f?.window ? { window: f.window.window, allowedLateness: f.window.allowedLateness } : null }),
    );
  }
  return out;
};

/** Refuses `plan` if its stateful stages are incompatible with what `appId` ran before; then records them. */
export const checkCompatibility = async (client: KafkaClient, appId: string, plan: Plan): Promise<void> => {
  const topic = metaTopic(appId);
  await client.createTopics([{ topic, partitions: 1, compacted: true }]);
  const before = new Map<string, string>();
  for (const m of await client.readAll(topic)) if (m.key !== null && m.value !== null) before.set(m.key, m.value);
  const now = stateSignatures(plan);
  const errors: DefinitionError[] = [];
  for (const [stage, sig] of now) {
    const old = before.get(stage);
    if (old !== undefined && old !== sig) {
      errors.push(
        new DefinitionError(
          `stage "${stage}"`,
          `application "${appId}" holds state written by a different definition of this stage (was ${old}, now ${sig})`,
          "give the changed stage a new name (its state then starts empty), or run as a new application (--app-id)",
        ),
      );
    }
  }
  if (errors.length > 0) throw new DefinitionErrors(errors);
  const producer = await client.producer();
  await producer.send([...now].map(([stage, sig]) => ({ topic, partition: 0, key: stage, value: sig })));
  await producer.close();
};
