import type { CollateComponentKind } from './annotations';
import type { CollateRunDay } from './history';
import type { CollateHealth } from './types';
import { COLLATE_HEALTH_ORDER } from './grading';

/** Where a deployment runs, from what its template recorded (its tags and annotations). @public */
export type CollateCloud = 'Azure' | 'AWS' | 'other';

/** One Collate deployment as the fleet page lists it: `GET /fleet` of the collate backend. @public */
export interface CollateFleetRow {
  entityRef: string;
  title?: string;
  owner?: string;
  cloud: CollateCloud;
  cluster?: string;
  namespace?: string;
  /** Collate's own version (`/api/v1/system/version`). */
  version?: string;
  /** The openmetadata chart the release runs, and the one the guides pin. */
  chartVersion?: string;
  guidePin?: string;
  /** Whether the chart differs from the one the deployment was created with. */
  chartDrift: boolean;
  /** The worst of its components'. */
  health: CollateHealth;
  components: Array<{
    component: CollateComponentKind;
    health: CollateHealth;
    reason?: string;
  }>;
  /** Ingestion runs that failed (Failed or Error) in the last 24 h, and runs flagged stale. */
  failedRuns24h: number;
  staleRuns: number;
  /** Ingestion outcomes of the last 7 days, oldest first (durations left out). */
  runs7d?: CollateRunDay[];
  /** The soonest expiry of its pull secrets (ISO 8601). */
  pullSecretExpiresAt?: string;
  /** The last search reindex: its state and when it started (ISO 8601). */
  lastReindex?: { status: string; startedAt?: string };
}

/** Response of `GET /fleet`: the deployments the caller may read, worst first. @public */
export interface CollateFleet {
  deployments: CollateFleetRow[];
  /** Collate Systems in the catalog the caller may not read (counted, not shown). */
  refused: number;
}

/** Orders fleet rows worst health first (as {@link COLLATE_HEALTH_ORDER} ranks them), then by name. @public */
export function compareFleetRows(a: CollateFleetRow, b: CollateFleetRow) {
  return (
    COLLATE_HEALTH_ORDER.indexOf(b.health) -
      COLLATE_HEALTH_ORDER.indexOf(a.health) ||
    a.entityRef.localeCompare(b.entityRef)
  );
}
