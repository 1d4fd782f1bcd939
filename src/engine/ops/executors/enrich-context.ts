/**
 * What an executor's `enrich` hook may call: only the services it declared in
 * `uses`, and only those the pipeline declares (with their retry, timeout and
 * rate policies, `src/engine/services.ts`).
 *
 * @module
 */
import type { EnrichContext, Executor } from "../../../registry/executor.ts";
import type { ServiceCaller } from "../../services.ts";

/** The enrich context of each executor, made once per executor. */
export const enrichContexts = (services: ReadonlyMap<string, ServiceCaller>): ((ex: Executor) => EnrichContext) => {
  const made = new Map<Executor, EnrichContext>();
  const contextOf = (ex: Executor): EnrichContext => ({
    call: (service, request) => {
      if (!ex.uses.includes(service)) {
        return Promise.reject(new Error(`executor ${ex.ref} called service "${service}" without declaring it. Fix: add uses: ["${service}"] to the executor`));
      }
      const caller = services.get(service);
      if (!caller) return Promise.reject(new Error(`service "${service}" is not declared by the pipeline`));
      return caller.call(request);
    },
  });
  return (ex) => {
    let ectx = made.get(ex);
    if (!ectx) made.set(ex, (ectx = contextOf(ex)));
    return ectx;
  };
};
