import type { CacheService } from '@backstage/backend-plugin-api';

/** A source's answer, or why there is none: the aggregation never throws because one source failed. */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: string };

/** Failures are kept shorter than answers, so a recovered source shows up quickly. */
const ERROR_TTL_MS = 3000;

/**
 * Runs each source call under its own timeout, shares concurrent calls for the same key, and keeps the settled
 * result in Backstage's cache service for a short TTL.
 */
export class SourceCache {
  private readonly inflight = new Map<string, Promise<Settled<unknown>>>();

  constructor(
    private readonly cache: CacheService,
    private readonly ttlMs: number,
  ) {}

  /** `ttlMs` overrides the cache's TTL for this key's answers (history, read less often than status). */
  async get<T>(
    key: string,
    timeoutMs: number,
    load: (signal: AbortSignal) => Promise<T>,
    ttlMs = this.ttlMs,
  ): Promise<Settled<T>> {
    const hit = (await this.cache.get(key)) as Settled<T> | undefined;
    if (hit) return hit;
    const running = this.inflight.get(key);
    if (running) return running as Promise<Settled<T>>;
    const promise = settle(load, timeoutMs).then(async settled => {
      await this.cache.set(key, settled as any, {
        ttl: settled.ok ? ttlMs : Math.min(ttlMs, ERROR_TTL_MS),
      });
      return settled;
    });
    this.inflight.set(key, promise);
    try {
      return await promise;
    } finally {
      this.inflight.delete(key);
    }
  }

  /** Forgets a key's answer, after a change made through the backend (a reindex started). */
  async forget(key: string) {
    await this.cache.delete(key);
  }
}

/** Runs `load` with a timeout signal and turns a failure into a one-line reason. */
export async function settle<T>(
  load: (signal: AbortSignal) => Promise<T>,
  timeoutMs: number,
): Promise<Settled<T>> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    return { ok: true, value: await load(signal) };
  } catch (error) {
    if (signal.aborted) {
      return { ok: false, error: `timed out after ${timeoutMs} ms` };
    }
    const message = (error as Error)?.message ?? String(error);
    return { ok: false, error: message.split('\n')[0] };
  }
}
