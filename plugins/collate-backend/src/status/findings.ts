import {
  type CollateDeploymentStatus,
  type CollateHealth,
  type CollateSourceError,
  type CollateStatusSource,
  replicaHealth,
  worstHealth,
} from '@collate-backstage/plugin-collate-common';
import type { Settled } from './sourceCache';

const SOURCE_NAMES: Record<CollateStatusSource, string> = {
  kubernetes: 'Kubernetes',
  argo: 'Argo server',
  collate: 'Collate',
  storage: 'Azure Storage',
};

/** Collects the facts and failures of one component. */
export class Findings {
  readonly errors: CollateSourceError[] = [];
  private health: CollateHealth = 'healthy';
  private readonly reasons: string[] = [];

  /** Records a fact's health; `reason` explains anything but healthy. */
  judge(health: CollateHealth, reason?: string) {
    this.health = worstHealth(this.health, health);
    if (health !== 'healthy' && reason) this.reasons.push(reason);
  }

  /** Records a source that could not answer; `configKey` when the backend's configuration lacks something. */
  fail(source: CollateStatusSource, message: string, configKey?: string) {
    this.errors.push({ source, message, ...(configKey ? { configKey } : {}) });
  }

  /** The value of a settled source, or undefined after recording its failure. */
  take<T>(source: CollateStatusSource, settled: Settled<T>): T | undefined {
    if (settled.ok) return settled.value;
    // KubernetesClusters' InputError for a cluster the Kubernetes plugin configuration does not name.
    const missingCluster =
      /is not configured under kubernetes\.clusterLocatorMethods/.test(
        settled.error,
      );
    this.fail(
      source,
      settled.error,
      missingCluster ? 'kubernetes.clusterLocatorMethods' : undefined,
    );
    return undefined;
  }

  /**
   * A component whose sources did not all answer is `unknown` unless what did answer already shows it unhealthy;
   * the reason names the failed sources. Stamped with the time it was gathered.
   */
  result(notice?: string) {
    let health = this.health;
    const reasons = [...this.reasons];
    if (this.errors.length > 0) {
      if (health !== 'unhealthy') health = 'unknown';
    }
    if (this.errors.length > 0 && notice) {
      // The operator's notice (e.g. "local demo environment starting") says why better than each source's error.
      reasons.push(notice);
    } else {
      // Missing configuration is said briefly: the overview card explains it once, with the key to add.
      reasons.push(
        ...this.errors.map(e =>
          e.configKey
            ? `${SOURCE_NAMES[e.source]}: not configured (${e.configKey})`
            : `${SOURCE_NAMES[e.source]}: ${e.message}`,
        ),
      );
    }
    return {
      health,
      ...(reasons.length ? { reason: reasons.join('; ') } : {}),
      errors: this.errors,
      observedAt: new Date().toISOString(),
    };
  }
}

/** A Deployment's readiness, or its absence (`missing` says what is missing). */
export function judgeDeployment(
  f: Findings,
  what: string,
  d: CollateDeploymentStatus | undefined,
  missing: string,
) {
  if (!d) {
    f.judge('unhealthy', missing);
    return;
  }
  const health = replicaHealth(d);
  if (health !== 'healthy')
    f.judge(health, `${what}: ${d.ready} of ${d.desired} pods ready`);
}
