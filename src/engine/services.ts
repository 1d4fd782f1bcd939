/**
 * Calls to outside services on behalf of executors. The engine, not the
 * executor, owns the policy declared in the definition: a per-attempt
 * timeout, retries with exponential backoff, a bound on calls in flight, and
 * an LRU cache of responses keyed by the canonical request (a request already
 * in flight is shared, not sent twice). A call that still fails is an error
 * for the element (a dead letter), never a silent `null` — unless the client
 * said the service itself is unavailable (an error with `unavailable: true`,
 * e.g. a 503 or a refused connection): then no element is to blame, and
 * {@link ServiceUnavailableError} stops the batch instead (streaming runners
 * pause and retry it, consumption waits; bounded runs fail with the reason).
 * A timed-out attempt is aborted through the signal the client is given, so
 * calls open at the service stay within the policy's concurrency.
 *
 * @module
 */
import { canonicalJson } from "../core/canonical.ts";
import type { Json } from "../expr/ast.ts";
import type { ServicePolicy } from "../plan/ir.ts";
import type { ServiceClient } from "../registry/registry.ts";
import { LockstepError } from "../core/errors.ts";

/** A service call that failed after every retry. */
export class ServiceError extends LockstepError {
  override readonly name = "ServiceError";
  readonly code = "LOCKSTEP_SERVICE";
}

/**
 * The service is unavailable (the client's last attempt failed with `unavailable: true`):
 * never a dead letter — the work is retried later (streaming) or the run fails (bounded).
 */
export class ServiceUnavailableError extends LockstepError {
  override readonly name = "ServiceUnavailableError";
  readonly code = "LOCKSTEP_SERVICE";
}

/** True for an error the client marked as the service's, not the request's (`unavailable: true`). */
const isUnavailable = (e: unknown): boolean => typeof e === "object" && e !== null && (e as { unavailable?: unknown }).unavailable === true;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** One service with its policy applied. */
export class ServiceCaller {
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly cache = new Map<string, Json>();
  /** Calls in flight by canonical request (only when caching). */
  private readonly pending = new Map<string, Promise<Json>>();
  /** Attempts made, for metrics and tests. */
  attempts = 0;
  /** Responses served from the cache. */
  cacheHits = 0;

  constructor(
    readonly name: string,
    private readonly policy: ServicePolicy,
    private readonly client: ServiceClient | undefined,
  ) {}

  /** Calls the service under the policy. */
  call(request: Json): Promise<Json> {
    // A missing client is a launch mistake, not a failing service: it fails the run (not retried, not a dead letter).
    if (!this.client) {
      return Promise.reject(
        new Error(`no client is bound for service "${this.name}". Fix: pass it in the registry (createRegistry(executors, { ${this.name}: client }))`),
      );
    }
    const caching = this.policy.cacheSize > 0;
    const key = caching ? canonicalJson(request) : "";
    if (caching) {
      if (this.cache.has(key)) {
        this.cacheHits++;
        const v = this.cache.get(key)!;
        // Refresh recency: Map iteration order is insertion order.
        this.cache.delete(key);
        this.cache.set(key, v);
        return Promise.resolve(v);
      }
      // Async executors issue many calls at once: share the one in flight, or the cache would miss them all.
      const pending = this.pending.get(key);
      if (pending) {
        this.cacheHits++;
        return pending;
      }
    }
    const p = this.fetch(request, key);
    if (caching) {
      this.pending.set(key, p);
      const done = () => void this.pending.delete(key);
      p.then(done, done);
    }
    return p;
  }

  private async fetch(request: Json, key: string): Promise<Json> {
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
    if (isUnavailable(lastError)) {
      throw new ServiceUnavailableError(`service "${this.name}" is unavailable after ${this.policy.retries + 1} attempt(s): ${why}`, { cause: lastError });
    }
    throw new ServiceError(`service "${this.name}" failed after ${this.policy.retries + 1} attempt(s): ${why}`);
  }

  private withTimeout(request: Json): Promise<Json> {
    return new Promise<Json>((resolve, reject) => {
      // Aborted on timeout: a client that honours the signal closes the call, so the service holds no more than `concurrency`.
      const abort = new AbortController();
      const timer = setTimeout(() => {
        const e = new Error(`timed out after ${this.policy.timeoutMs} ms`);
        abort.abort(e);
        reject(e);
      }, this.policy.timeoutMs);
      // A client that throws synchronously or returns a plain value is still one attempt.
      new Promise<Json>((r) => r(this.client!(request, { signal: abort.signal }))).then(
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

/** Callers for every declared service; a declared service with no client bound fails the run on first use. */
export const serviceCallers = (policies: Readonly<Record<string, ServicePolicy>>, clients: ReadonlyMap<string, ServiceClient>): Map<string, ServiceCaller> => {
  const out = new Map<string, ServiceCaller>();
  for (const [name, policy] of Object.entries(policies)) out.set(name, new ServiceCaller(name, policy, clients.get(name)));
  return out;
};
