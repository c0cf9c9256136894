import type { CollateComponentKind } from './annotations';

/**
 * How a component is doing, from the sources the backend could reach.
 * `unknown` means a source could not be asked (unreachable, timed out, not configured); the reason says why.
 * @public
 */
export type CollateHealth = 'healthy' | 'degraded' | 'unhealthy' | 'unknown';

/** The status of one component of a Collate deployment. @public */
export interface CollateComponentStatus {
  component: CollateComponentKind;
  health: CollateHealth;
  /** One sentence a person can act on; always set when health is not `healthy`. */
  reason?: string;
  /** When the backend gathered this status (ISO 8601). */
  observedAt: string;
}

/** Response of the backend's health route. @public */
export interface CollateBackendHealth {
  status: 'ok';
}
