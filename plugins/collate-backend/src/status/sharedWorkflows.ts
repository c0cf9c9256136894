import type { CacheService } from '@backstage/backend-plugin-api';
import { randomUUID } from 'node:crypto';
import {
  detailCovers,
  moreDetailed,
  type DetailedRuns,
  type WorkflowOverview,
} from '../sources/kubernetesObjects';

/** What the shared workflow overviews are read from: the backend's own informer per namespace. */
export interface FollowedWorkflows {
  workflows(
    cluster: string,
    namespace: string,
    signal: AbortSignal,
    auth: Record<string, never>,
    runs: DetailedRuns,
  ): Promise<WorkflowOverview>;
  /** Stops following a namespace's workflows (its list and watch). */
  stopFollowing?(cluster: string, namespace: string): void;
}

export interface SharedWorkflowsOptions {
  /** How often the replica that follows a namespace publishes its overview. Default 5 s. */
  publishMs?: number;
  /** A namespace no replica was asked about for this long is no longer followed. */
  idleMs: number;
  timeoutMs: number;
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/**
 * The workflows of a namespace, followed by one backend replica at a time and shared with the others through
 * Backstage's cache (Redis, when several replicas run): the replica that holds a namespace's lease keeps the informer
 * (one list, one watch) and publishes its overview every few seconds; the others answer from what it published and
 * mark the namespace as still wanted. A holder that stops (killed, or idle) lets its lease lapse and the next replica
 * asked takes over. With one replica (or the in-memory cache) it simply follows every namespace it is asked about.
 *
 * An overview holds the details of the runs it was read for ({@link DetailedRuns}): the holder reads, and publishes,
 * the most any replica asked of that namespace (a fleet row asks the runs still going; a System's tab the newest).
 */
export class SharedWorkflows {
  private readonly me = randomUUID();
  private readonly followed = new Map<
    string,
    {
      cluster: string;
      namespace: string;
      lastUsed: number;
      /** The most detail asked of it, here or (through the cache) by another replica. */
      runs: DetailedRuns;
    }
  >();
  private readonly timer: NodeJS.Timeout;
  private readonly publishMs: number;
  private refreshing = false;

  constructor(
    private readonly cache: CacheService,
    private readonly source: FollowedWorkflows,
    private readonly options: SharedWorkflowsOptions,
  ) {
    this.publishMs = options.publishMs ?? 5_000;
    this.timer = setInterval(() => void this.refresh(), this.publishMs);
    this.timer.unref();
  }

  private keys(cluster: string, namespace: string) {
    const id = `${cluster}/${namespace}`;
    return {
      id,
      lease: `workflows-lease:${id}`,
      overview: `workflows-overview:${id}`,
      wanted: `workflows-wanted:${id}`,
      /** The most detail another replica asked for than the holder published. */
      detail: `workflows-detail:${id}`,
    };
  }

  /** A lease outlives three missed publications. */
  private get leaseTtl() {
    return 3 * this.publishMs;
  }

  async get(
    cluster: string,
    namespace: string,
    signal: AbortSignal,
    runs: DetailedRuns = 'newest',
  ): Promise<WorkflowOverview> {
    const k = this.keys(cluster, namespace);
    let holder = (await this.cache.get(k.lease)) as string | undefined;
    if (holder && holder !== this.me) {
      // Another replica follows it: its latest overview (it may be publishing its first one right now), once it has
      // the runs asked for in detail; until then the holder is told to read them.
      for (let i = 0; i < 10 && !signal.aborted; i++) {
        const published = (await this.cache.get(k.overview)) as
          | WorkflowOverview
          | undefined;
        if (published && !detailCovers(published.detail ?? 'newest', runs)) {
          await this.cache.set(k.detail, runs, { ttl: this.options.idleMs });
        } else if (published) {
          await this.cache.set(k.wanted, Date.now(), {
            ttl: this.options.idleMs,
          });
          return published;
        }
        await sleep(200);
        holder = (await this.cache.get(k.lease)) as string | undefined;
        if (!holder || holder === this.me) break;
      }
    }
    // Nobody follows it (or we do, or the holder never published): follow it here.
    await this.cache.set(k.lease, this.me, { ttl: this.leaseTtl });
    const asked = moreDetailed(this.followed.get(k.id)?.runs ?? 'none', runs);
    this.followed.set(k.id, {
      cluster,
      namespace,
      lastUsed: Date.now(),
      runs: asked,
    });
    const overview = await this.source.workflows(
      cluster,
      namespace,
      signal,
      {},
      asked,
    );
    await this.cache.set(k.overview, overview as any, { ttl: this.leaseTtl });
    return overview;
  }

  /** Renews this replica's leases and publishes their overviews; lets go of what others hold or nobody wants. */
  private async refresh() {
    if (this.refreshing) return;
    this.refreshing = true;
    try {
      for (const [id, f] of [...this.followed]) {
        const k = this.keys(f.cluster, f.namespace);
        const holder = await this.cache.get(k.lease);
        const wanted = Number((await this.cache.get(k.wanted)) ?? 0);
        const idle =
          Date.now() - Math.max(f.lastUsed, wanted) > this.options.idleMs;
        if ((holder && holder !== this.me) || idle) {
          // Taken over by another replica (two took it at once; the last one keeps it), or no longer looked at.
          this.followed.delete(id);
          this.source.stopFollowing?.(f.cluster, f.namespace);
          if (idle && holder === this.me) await this.cache.delete(k.lease);
          continue;
        }
        await this.cache.set(k.lease, this.me, { ttl: this.leaseTtl });
        const elsewhere = (await this.cache.get(k.detail)) as
          | DetailedRuns
          | undefined;
        if (elsewhere) f.runs = moreDetailed(f.runs, elsewhere);
        const overview = await this.source.workflows(
          f.cluster,
          f.namespace,
          AbortSignal.timeout(this.options.timeoutMs),
          {},
          f.runs,
        );
        await this.cache.set(k.overview, overview as any, {
          ttl: this.leaseTtl,
        });
      }
    } catch {
      // A failed publication is retried on the next tick; readers fall back to following it themselves.
    } finally {
      this.refreshing = false;
    }
  }

  close() {
    clearInterval(this.timer);
  }
}
