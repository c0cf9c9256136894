import type { KubernetesRequestAuth } from '@backstage/plugin-kubernetes-common';
import {
  readCollateAnnotations,
  type AnnotatedEntity,
  type CollateComponentKind,
  type CollateComponentStatus,
} from '@collate-backstage/plugin-collate-common';
import type { StatusConfig } from '../config';
import { CachedReads, userAuth } from './cachedReads';
import { ConfiguredServers } from './configuredServers';
import { gradeArgo } from './graders/argo';
import { gradeBackingService } from './graders/backingService';
import type { GradeContext } from './graders/context';
import { gradeIngestion } from './graders/ingestion';
import { gradeMetaflow } from './graders/metaflow';
import { gradeRunner } from './graders/runner';
import { gradeServer } from './graders/server';
import { readRunHistory } from './history';
import type { SharedWorkflows } from './sharedWorkflows';
import type { SourceCache } from './sourceCache';
import type { StatusSources } from './sources';

/**
 * Builds the status of each component of an entity from its `collate.io/*` annotations: one grader per component
 * (`graders/`), all reading through one caching layer ({@link CachedReads}).
 */
export class StatusService {
  readonly servers: ConfiguredServers;
  readonly reads: CachedReads;

  constructor(
    private readonly config: StatusConfig,
    sources: StatusSources,
    cache: SourceCache,
    /** Workflows followed by one replica at a time and shared through the cache (several replicas). */
    shared?: SharedWorkflows,
  ) {
    this.servers = new ConfiguredServers(config);
    this.reads = new CachedReads(config, sources, cache, shared);
  }

  /** `collate.status.notice`: said in place of configuration and connection errors. */
  get notice(): string | undefined {
    return this.config.notice;
  }

  /**
   * The status of the given components. `auth` carries the signed-in user's own tokens for clusters whose auth
   * provider is client-side (`oidc`, `aks`, `google`), in the Kubernetes plugin's request-body format; what is read
   * with them is cached for that user only.
   */
  /** An entity's ingestion runs per day over the last `days` days ({@link readRunHistory}). */
  async history(
    entity: AnnotatedEntity,
    days: number,
    auth: KubernetesRequestAuth = {},
  ) {
    return readRunHistory(this.context(auth), entity, days);
  }

  async status(
    entity: AnnotatedEntity,
    components: CollateComponentKind[],
    auth: KubernetesRequestAuth = {},
    /** `unfinished`: the ingestion card lists only the runs still going, enough for its health (a fleet row). */
    runs: GradeContext['runs'] = 'newest',
  ): Promise<CollateComponentStatus[]> {
    const a = readCollateAnnotations(entity);
    const ctx = this.context(auth, runs);
    return Promise.all(
      components.map(kind => {
        switch (kind) {
          case 'server':
            return gradeServer(ctx, a);
          case 'argo':
            return gradeArgo(ctx, a);
          case 'database':
          case 'search':
            return gradeBackingService(ctx, kind, a);
          case 'runner':
            return gradeRunner(ctx, a);
          case 'metaflow':
            return gradeMetaflow(ctx, a);
          case 'ingestion':
          default:
            return gradeIngestion(ctx, a, entity);
        }
      }),
    );
  }

  private context(
    auth: KubernetesRequestAuth,
    runs: GradeContext['runs'] = 'newest',
  ): GradeContext {
    return {
      config: this.config,
      reads: this.reads,
      servers: this.servers,
      user: userAuth(auth),
      runs,
    };
  }
}
