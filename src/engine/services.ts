/**
 * Calls to outside services on behalf of executors. The engine, not the
 * executor, owns the policy declared in the definition: a per-attempt
 * timeout, retries with exponential backoff, a bound on calls in flight, and
 * an LRU cache of responses keyed by the canonical request. A call that still
 * fails is an error for the element (a dead letter), never a silent `null`.
 *
 * @module
 */
import { canonicalJson } from "../core/canonical.ts";
import type { Json } from "../expr/ast.ts";
import type { ServicePolicy } from "../plan/ir.ts";
import type { ServiceClient } from "../registry/registry.ts";

/** A service call that failed after every retry. */
export class ServiceError extends Error {
  override readonly name = "ServiceError";
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** One service with its policy applied. */
export class ServiceCaller {
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly cache = new Map<string, Json>();
  /** Attempts made, for metrics and tests. */
  attempts = 0;
  /** Responses served from the cache. */
  cacheHits = 0;

  constructor(
    readonly name: string,
    private readonly policy: ServicePolicy,
    private readonly client: ServiceClient,
  ) {}

  /** Calls the service under the policy. */
  async call(request: Json): Promise<Json> {
    const key = this.policy.cacheSize > 0 ? canonicalJson(request) : "";
    if (this.policy.cacheSize > 0 && this.cache.has(key)) {
      this.cacheHits++;
      const v = this.cache.get(key)!;
      // Refresh recency: Map iteration order is insertion order.
      this.cache.delete(key);
      this.cache.set(key, v);
      return v;
    }
    await this.acquire();
    try {
      const response = await this.withRetries(request);
      if (this.policy.cacheSize > 0) {
        this.cache.set(key, response);
        if (this.cache.size > this.policy.cacheSize) this.cache.delete(this.cache.keys().next().value!);
      }
      return response;
    } finally {
      this.release();
    }
  }

  private async withRetries(request: Json): Promise<Json> {
    let lastError: unknown;
    for (let attempt = 0; attempt <= this.policy.retries; attempt++) {
      if (attempt > 0) await sleep(this.policy.backoffMs * 2 ** (attempt - 1));
      this.attempts++;
      try {
        return await this.withTimeout(request);
      } catch (e) {
        lastError = e;
      }
    }
    const why = lastError instanceof Error ? lastError.message : String(lastError);
    throw new ServiceError(`service "${this.name}" failed after ${this.policy.retries + 1} attempt(s): ${why}`);
  }

  private withTimeout(request: Json): Promise<Json> {
    return new Promise<Json>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out after ${this.policy.timeoutMs} ms`)), this.policy.timeoutMs);
      this.client(request).then(
        (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        (e) => {
          clearTimeout(timer);
          reject(e);
        },
      );
    });
  }

  private acquire(): Promise<void> | void {
    if (this.inFlight < this.policy.concurrency) {
      this.inFlight++;
      return;
    }
    return new Promise((r) => this.waiting.push(() => (this.inFlight++, r())));
  }

  private release(): void {
    this.inFlight--;
    this.waiting.shift()?.();
  }
}

/** Callers for every declared service; a declared service with no client bound fails on first use. */
export const serviceCallers = (
  policies: Readonly<Record<string, ServicePolicy>>,
  clients: ReadonlyMap<string, ServiceClient>,
): Map<string, ServiceCaller> => {
  const out = new Map<string, ServiceCaller>();
  for (const [name, policy] of Object.entries(policies)) {
    const client: ServiceClient =
      clients.get(name) ??
      (() => Promise.reject(new Error(`no client is bound for service "${name}". Fix: pass it in the registry (createRegistry(executors, { ${name}: client }))`)));
    out.set(name, new ServiceCaller(name, policy, client));
  }
  return out;
};
