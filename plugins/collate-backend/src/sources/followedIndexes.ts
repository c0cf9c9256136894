import type { LoggerService } from '@backstage/backend-plugin-api';
import type { KubeHttp } from './kubeHttp';
import { WorkflowIndex } from './workflowIndex';

/** How many namespaces the backend follows, per cluster and in all. */
export interface FollowLimits {
  perCluster: number;
  total: number;
  /** An index viewed this recently is never evicted for another: the newcomer is read per view instead. */
  minHoldMs: number;
}

/** Why a namespace is not followed: a sentence for the card. */
export interface NotFollowed {
  notFollowed: string;
}

/**
 * The workflow indexes the backend follows with its own credentials, one per cluster and namespace: each keeps a
 * watch open, and is stopped after `idleMs` without a view. Their number is capped per cluster and in all
 * ({@link FollowLimits}): past a cap, the least recently viewed index is stopped for the new one, unless it was viewed
 * within `minHoldMs`; then the new namespace is not followed (read on each view) and said so.
 */
export class FollowedIndexes {
  private readonly indexes = new Map<
    string,
    { cluster: string; index: WorkflowIndex; lastUsed: number }
  >();
  private readonly reaper: NodeJS.Timeout;

  constructor(
    private readonly client: (cluster: string) => Promise<KubeHttp>,
    private readonly logger: LoggerService,
    private readonly options: {
      idleMs: number;
      workflowPageSize: number;
      recentRuns: number;
      limits: FollowLimits;
    },
  ) {
    this.reaper = setInterval(
      () => this.reapIdle(),
      Math.min(options.idleMs, 60_000),
    );
    this.reaper.unref();
  }

  /** The namespace's followed index, or why it is not followed. */
  async get(
    cluster: string,
    namespace: string,
  ): Promise<WorkflowIndex | NotFollowed> {
    const key = `${cluster}/${namespace}`;
    let entry = this.indexes.get(key);
    if (!entry) {
      const http = await this.client(cluster);
      entry = this.indexes.get(key);
      if (!entry) {
        const full = this.makeRoom(cluster);
        if (full) return { notFollowed: full };
        entry = {
          cluster,
          index: new WorkflowIndex(http, namespace, this.logger, {
            pageSize: this.options.workflowPageSize,
            newest: this.options.recentRuns,
          }),
          lastUsed: Date.now(),
        };
        this.indexes.set(key, entry);
      }
    }
    entry.lastUsed = Date.now();
    return entry.index;
  }

  /** How many namespaces are followed on each cluster. */
  counts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const { cluster } of this.indexes.values())
      counts[cluster] = (counts[cluster] ?? 0) + 1;
    return counts;
  }

  /** Stops following a namespace's workflows (its watch), if it is followed. */
  stop(cluster: string, namespace: string) {
    const key = `${cluster}/${namespace}`;
    this.indexes.get(key)?.index.stop();
    this.indexes.delete(key);
  }

  /**
   * Room for one more index on the cluster: evicts the least recently viewed one where a cap is reached (on the
   * cluster for its cap, anywhere for the total). Returns why there is no room, when every candidate is held.
   */
  private makeRoom(cluster: string): string | undefined {
    const { perCluster, total, minHoldMs } = this.options.limits;
    const onCluster = [...this.indexes].filter(
      ([, e]) => e.cluster === cluster,
    );
    const caps: Array<[boolean, typeof onCluster, string]> = [
      [
        onCluster.length >= perCluster,
        onCluster,
        `${perCluster} namespaces are followed on cluster ${cluster} (collate.status.followedNamespacesPerCluster)`,
      ],
      [
        this.indexes.size >= total,
        [...this.indexes],
        `${total} namespaces are followed in all (collate.status.followedNamespaces)`,
      ],
    ];
    for (const [reached, candidates, why] of caps) {
      if (!reached) continue;
      const [key, lru] = candidates.reduce((a, b) =>
        b[1].lastUsed < a[1].lastUsed ? b : a,
      );
      if (Date.now() - lru.lastUsed < minHoldMs)
        return `not followed: limit reached: ${why}, each viewed in the last ${Math.round(
          minHoldMs / 1000,
        )} s; its workflows are read on each view`;
      lru.index.stop();
      this.indexes.delete(key);
      this.logger.debug(`Stopped following workflows in ${key} (limit)`);
    }
    return undefined;
  }

  private reapIdle() {
    const now = Date.now();
    for (const [key, entry] of this.indexes) {
      if (now - entry.lastUsed > this.options.idleMs) {
        entry.index.stop();
        this.indexes.delete(key);
        this.logger.debug(`Stopped following workflows in ${key} (idle)`);
      }
    }
  }

  close() {
    clearInterval(this.reaper);
    for (const { index } of this.indexes.values()) index.stop();
    this.indexes.clear();
  }
}
