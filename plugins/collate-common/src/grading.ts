import type {
  CollateDeploymentStatus,
  CollateHealth,
  CollatePipeline,
  CollatePullSecretInfo,
  CollateReleaseInfo,
  CollateRunnerStatus,
  WorkflowPhase,
} from './types';
import { isHelmReleaseStuck } from './versions';

/**
 * The health of an ingestion pipeline's latest run, by Collate's `pipelineState`. A failed run degrades the
 * deployment rather than breaking it: the server and the other pipelines still work. @public
 */
export const PIPELINE_RUN_HEALTH: Readonly<Record<string, CollateHealth>> = {
  success: 'healthy',
  running: 'healthy',
  queued: 'unknown',
  partialSuccess: 'degraded',
  failed: 'degraded',
};

/**
 * The one verdict on a pipeline: the status backend computes it into `CollatePipeline.health`, the cards show it.
 * A run Collate has called running or queued for too long (`stale`) is degraded, whatever its state. @public
 */
export function pipelineHealth(
  pipeline: Pick<CollatePipeline, 'lastState' | 'stale'>,
): CollateHealth {
  if (pipeline.stale) return 'degraded';
  return (
    (pipeline.lastState && PIPELINE_RUN_HEALTH[pipeline.lastState]) || 'unknown'
  );
}

/** A pull secret whose token has less than this left is degraded: the next renewal must not be missed. @public */
export const PULL_SECRET_WARN_MS = 3_600_000;

/**
 * The one verdict on a pull secret: the status backend computes it into `CollatePullSecretInfo.health` (and the
 * component's reason from it), the cards show it. `msLeft` is negative once the token has expired, undefined when
 * the secret says no expiry. @public
 */
export function pullSecretHealth(
  secret: Pick<CollatePullSecretInfo, 'expiresAt'>,
  now: number = Date.now(),
): { health: CollateHealth; msLeft?: number } {
  const msLeft = secret.expiresAt
    ? Date.parse(secret.expiresAt) - now
    : Number.NaN;
  if (Number.isNaN(msLeft)) return { health: 'unknown' };
  return {
    health: msLeft < PULL_SECRET_WARN_MS ? 'degraded' : 'healthy',
    msLeft,
  };
}

/** Healths from best to worst: the order a component's verdict takes the worst of its facts by. @public */
export const COLLATE_HEALTH_ORDER: readonly CollateHealth[] = [
  'healthy',
  'degraded',
  'unknown',
  'unhealthy',
];

/** The worst of some verdicts (`healthy` for none). @public */
export function worstHealth(...healths: CollateHealth[]): CollateHealth {
  return healths.reduce<CollateHealth>(
    (a, b) =>
      COLLATE_HEALTH_ORDER.indexOf(b) > COLLATE_HEALTH_ORDER.indexOf(a) ? b : a,
    'healthy',
  );
}

/** A Deployment's replicas: none ready (of some wanted) is unhealthy, some but not all degraded. @public */
export function replicaHealth(
  d: Pick<CollateDeploymentStatus, 'ready' | 'desired'>,
): CollateHealth {
  if (d.ready === 0 && d.desired > 0) return 'unhealthy';
  return d.ready < d.desired ? 'degraded' : 'healthy';
}

/**
 * Helm's state of a release's latest revision: `deployed` is healthy, one left `pending-*` or `failed` is degraded
 * (recover it before the next upgrade), anything else unknown. @public
 */
export function helmStateHealth(status: string | undefined): CollateHealth {
  if (!status) return 'unknown';
  if (status === 'deployed') return 'healthy';
  return isHelmReleaseStuck(status) ? 'degraded' : 'unknown';
}

/** A release's chart against the one the deployment was created with: another one is drift, degraded. @public */
export function chartDriftHealth(
  release: Pick<CollateReleaseInfo, 'chartVersion' | 'createdWith'>,
): CollateHealth {
  if (!release.chartVersion) return 'unknown';
  return release.createdWith && release.createdWith !== release.chartVersion
    ? 'degraded'
    : 'healthy';
}

/** One workflow run's phase as a health. @public */
export const WORKFLOW_PHASE_HEALTH: Readonly<
  Record<WorkflowPhase, CollateHealth>
> = {
  Succeeded: 'healthy',
  Running: 'healthy',
  Pending: 'unknown',
  Failed: 'unhealthy',
  Error: 'unhealthy',
  Unknown: 'unknown',
};

/** A Hybrid Ingestion Runner's own word on its connection, as a health. @public */
export const RUNNER_CONNECTION_HEALTH: Readonly<
  Record<CollateRunnerStatus['connection'], CollateHealth>
> = {
  connected: 'healthy',
  disconnected: 'unhealthy',
  unknown: 'unknown',
};
