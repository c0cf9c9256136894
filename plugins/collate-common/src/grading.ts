import type {
  CollateHealth,
  CollatePipeline,
  CollatePullSecretInfo,
} from './types';

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
