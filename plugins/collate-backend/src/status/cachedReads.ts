import { createHash } from 'node:crypto';
import type { KubernetesRequestAuth } from '@backstage/plugin-kubernetes-common';
import type { CollateServerConfig } from '@collate-backstage/plugin-collate-node';
import type { ArgoServerConfig, StatusConfig } from '../config';
import type { SharedWorkflows } from './sharedWorkflows';
import { type Settled, SourceCache, settle } from './sourceCache';
import type { DetailedRuns } from '../sources/kubernetesObjects';
import type { StatusSources } from './sources';

/** The user's own cluster tokens, and the cache-key suffix that keeps what they read apart from other users'. */
export interface UserAuth {
  auth: KubernetesRequestAuth;
  key: string;
}

/** The backend's own credentials (an empty `auth`) share one cache entry; a user's tokens get their own. */
export function userAuth(auth: KubernetesRequestAuth): UserAuth {
  if (Object.keys(auth).length === 0) return { auth, key: '' };
  const digest = createHash('sha256')
    .update(JSON.stringify(auth))
    .digest('hex')
    .slice(0, 24);
  return { auth, key: `:user:${digest}` };
}

/**
 * The one caching layer over {@link StatusSources}: each read has its cache key, its timeout (per upstream) and
 * settles instead of throwing, so one slow or failing source only affects the components that need it.
 */
export class CachedReads {
  constructor(
    private readonly config: StatusConfig,
    private readonly sources: StatusSources,
    private readonly cache: SourceCache,
    /** Workflows followed by one replica at a time and shared through the cache (several replicas). */
    private readonly shared?: SharedWorkflows,
  ) {}

  deployments(u: UserAuth, cluster: string, namespace: string, sel: string) {
    return this.kube(`deploy:${namespace}:${sel}`, cluster, u, s =>
      this.sources.deployments(cluster, namespace, sel, s, u.auth),
    );
  }

  helmRelease(u: UserAuth, cluster: string, namespace: string, name: string) {
    return this.kube(`helm:${namespace}:${name}`, cluster, u, s =>
      this.sources.helmRelease(cluster, namespace, name, s, u.auth),
    );
  }

  pullSecrets(u: UserAuth, cluster: string, namespace: string) {
    return this.kube(`pull-secrets:${namespace}`, cluster, u, s =>
      this.sources.pullSecrets(cluster, namespace, s, u.auth),
    );
  }

  schedules(u: UserAuth, cluster: string, namespace: string) {
    return this.kube(`cron:${namespace}`, cluster, u, s =>
      this.sources.schedules(cluster, namespace, s, u.auth),
    );
  }

  podMetrics(
    u: UserAuth,
    cluster: string,
    namespace: string,
    selector: string,
    port: number,
    names: string[],
  ) {
    return this.kube(`metrics:${namespace}:${selector}`, cluster, u, s =>
      this.sources.podMetrics(
        cluster,
        namespace,
        selector,
        port,
        names,
        s,
        u.auth,
      ),
    );
  }

  /**
   * Not cached: the workflow index is kept current by its watch; runs are fetched once per resourceVersion. With the
   * backend's own credentials the index is shared between replicas (one follows, the others read what it publishes).
   * `runs` says which runs are read in detail ({@link DetailedRuns}).
   */
  workflows(
    u: UserAuth,
    cluster: string,
    namespace: string,
    runs: DetailedRuns = 'newest',
  ) {
    return settle(
      s =>
        !u.key && this.shared
          ? this.shared.get(cluster, namespace, s, runs)
          : this.sources.workflows(cluster, namespace, s, u.auth, runs),
      this.config.timeouts.kubernetes,
    );
  }

  argoVersion(server: ArgoServerConfig) {
    return this.cache.get(
      `argo:${server.url}:version`,
      this.config.timeouts.argo,
      s => this.sources.argoVersion(server, s),
    );
  }

  /**
   * A namespace's finished runs since the start of a UTC day, from Argo's archive; cached per day window for
   * `collate.status.history.cacheTtlSeconds` (a history read is many rows, and a day's bars move slowly).
   */
  archivedRuns(server: ArgoServerConfig, namespace: string, since: Date) {
    return this.cache.get(
      `argo:${server.url}:archive:${namespace}:${since.toISOString()}`,
      this.config.timeouts.argo,
      s =>
        this.sources.archivedRuns(
          server,
          namespace,
          since,
          this.config.history.maxRuns,
          s,
        ),
      this.config.history.cacheTtlMs,
    );
  }

  blobContainer(url: string) {
    return this.cache.get(`storage:${url}`, this.config.timeouts.storage, s =>
      this.sources.blobContainer(url, s),
    );
  }

  systemStatus(server: CollateServerConfig) {
    return this.collate(server, 'system-status', s =>
      this.sources.systemStatus(server, s),
    );
  }

  collateVersion(server: CollateServerConfig) {
    return this.collate(server, 'version', s =>
      this.sources.collateVersion(server, s),
    );
  }

  listedRunner(server: CollateServerConfig, agentId: string) {
    return this.collate(server, `runner:${agentId}`, s =>
      this.sources.listedRunner(server, agentId, s),
    );
  }

  pipelines(server: CollateServerConfig) {
    return this.collate(server, 'pipelines', s =>
      this.sources.pipelines(server, this.config.maxPipelines, s),
    );
  }

  lastReindex(server: CollateServerConfig) {
    return this.collate(server, 'reindex', s =>
      this.sources.lastReindex(server, s),
    );
  }

  /** Forgets what was read of a Collate server, after a change made through the backend. */
  forget(server: CollateServerConfig, what: 'pipelines' | 'reindex') {
    return this.cache.forget(`collate:${server.url}:${what}`);
  }

  private kube<T>(
    what: string,
    cluster: string,
    u: UserAuth,
    load: (signal: AbortSignal) => Promise<T>,
  ): Promise<Settled<T>> {
    return this.cache.get(
      `k8s:${cluster}:${what}${u.key}`,
      this.config.timeouts.kubernetes,
      load,
    );
  }

  private collate<T>(
    server: CollateServerConfig,
    what: string,
    load: (signal: AbortSignal) => Promise<T>,
  ): Promise<Settled<T>> {
    return this.cache.get(
      `collate:${server.url}:${what}`,
      this.config.timeouts.collate,
      load,
    );
  }
}
