import type { readCollateAnnotations } from '@collate-backstage/plugin-collate-common';
import type { StatusConfig } from '../../config';
import type { DetailedRuns } from '../../sources/kubernetesObjects';
import type { CachedReads, UserAuth } from '../cachedReads';
import type { ConfiguredServers } from '../configuredServers';

/** What a component's grader reads an entity's status with. */
export interface GradeContext {
  config: StatusConfig;
  reads: CachedReads;
  servers: ConfiguredServers;
  /** The signed-in user's own cluster tokens, when their clusters need them. */
  user: UserAuth;
  /** Which ingestion runs are read in detail: the newest (a System's tab) or those still going (a fleet row). */
  runs: Exclude<DetailedRuns, 'none'>;
}

/** An entity's `collate.io/*` annotations, as read once per view. */
export type Annotations = ReturnType<typeof readCollateAnnotations>;

/** A component's grader: its status from the entity's annotations, read through the context. */
export type Grader<T> = (ctx: GradeContext, a: Annotations) => Promise<T>;
