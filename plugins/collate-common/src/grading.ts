import type { CollateHealth, CollatePipeline } from './types';

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
    (pipeline.lastState && PIPELINE_RUN_HEALTH[pipeline.lastState]) ||
    'unknown'
  );
}
