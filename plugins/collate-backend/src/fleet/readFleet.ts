import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { type Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  COLLATE_ANNOTATIONS,
  collateComponentsOf,
  compareFleetRows,
  readCollateAnnotations,
  worstHealth,
  type CollateBackingServiceStatus,
  type CollateCloud,
  type CollateComponentStatus,
  type CollateFleet,
  type CollateFleetRow,
  type CollateIngestionStatus,
  type CollateRunDay,
  type CollateServerStatus,
} from '@collate-backstage/plugin-collate-common';
import type { EntityPermissions } from '../auth/requirePermission';
import { mapBounded } from '../status/bounded';
import type { StatusService } from '../status/StatusService';
import type { FleetRows } from './fleetRows';

/** How many deployments a fleet view reads at once when their rows are cold (warm ones answer from memory). */
const DEPLOYMENTS_IN_FLIGHT = 12;
/** The days of ingestion outcomes each row charts. */
const FLEET_HISTORY_DAYS = 7;

/**
 * A deployment's fleet row, from its status and its week of runs (read with the backend's own credentials). Of its
 * newest runs only those still going are read in detail: the row counts the stale ones, it lists none.
 */
export function computeFleetRow(status: StatusService) {
  return async (entity: Entity): Promise<CollateFleetRow> => {
    const components = collateComponentsOf(entity);
    const [statuses, history] = await Promise.all([
      status.status(entity, components, {}, 'unfinished'),
      components.includes('ingestion')
        ? status.history(entity, FLEET_HISTORY_DAYS)
        : undefined,
    ]);
    return fleetRow(entity, statuses, history?.days);
  };
}

/**
 * The Collate deployments a caller may read, each summed up from its status, worst first: the fleet page's route and
 * the agents' `list-deployments` action. The catalog is read once with the caller's credentials and the permission
 * asked once for all of them (the routes' own check, {@link EntityPermissions.readableOf}); those refused are counted,
 * not shown. Rows come from {@link FleetRows}: a warm fleet view does not wait for the clusters.
 */
export async function readFleet(
  deps: {
    catalog: CatalogService;
    entityPermissions: EntityPermissions;
    rows: FleetRows;
  },
  credentials: BackstageCredentials,
  options: { owner?: string } = {},
): Promise<CollateFleet> {
  const { items } = await deps.catalog.getEntities(
    {
      filter: {
        kind: 'System',
        [`metadata.annotations.${COLLATE_ANNOTATIONS.component}`]:
          CATALOG_FILTER_EXISTS,
        ...(options.owner ? { 'spec.owner': options.owner } : {}),
      },
    },
    { credentials },
  );
  // Metaflow stacks have a tab of their own, not a Collate deployment's row.
  const deployments = items.filter(
    e => !collateComponentsOf(e).includes('metaflow'),
  );
  const { readable, refused } = await deps.entityPermissions.readableOf(
    deployments,
    credentials,
  );
  const rows = await mapBounded(readable, DEPLOYMENTS_IN_FLIGHT, ({ entity }) =>
    deps.rows.get(entity),
  );
  return { deployments: rows.sort(compareFleetRows), refused };
}

/** Whether the server's chart differs from the one it was created with (`chartDriftHealth` says degraded). */
export function chartDrifted(server: CollateServerStatus | undefined) {
  return server?.release?.chartHealth === 'degraded';
}

export function cloudOf(entity: Entity): CollateCloud {
  const tags = entity.metadata.tags ?? [];
  if (
    tags.includes('azure') ||
    entity.metadata.annotations?.[COLLATE_ANNOTATIONS.azureSubscriptionId]
  )
    return 'Azure';
  if (tags.includes('aws')) return 'AWS';
  return 'other';
}

/** A deployment's row, from its status. */
export function fleetRow(
  entity: Entity,
  components: CollateComponentStatus[],
  runs?: CollateRunDay[],
): CollateFleetRow {
  const a = readCollateAnnotations(entity);
  const by = <T extends CollateComponentStatus>(kind: T['component']) =>
    components.find(c => c.component === kind) as T | undefined;
  const server = by<CollateServerStatus>('server');
  const ingestion = by<CollateIngestionStatus>('ingestion');
  const search = by<CollateBackingServiceStatus>('search');
  const expiries = (server?.pullSecrets ?? [])
    .map(p => p.expiresAt)
    .filter((e): e is string => Boolean(e))
    .sort();
  const last24h = ingestion?.last24h ?? {};
  return {
    entityRef: stringifyEntityRef(entity),
    ...(entity.metadata.title ? { title: entity.metadata.title } : {}),
    ...(typeof entity.spec?.owner === 'string'
      ? { owner: entity.spec.owner }
      : {}),
    cloud: cloudOf(entity),
    ...(a.cluster ? { cluster: a.cluster } : {}),
    ...(a.namespace ? { namespace: a.namespace } : {}),
    ...(server?.version ? { version: server.version } : {}),
    ...(server?.release?.chartVersion
      ? { chartVersion: server.release.chartVersion }
      : {}),
    ...(server?.release?.guidePin ? { guidePin: server.release.guidePin } : {}),
    chartDrift: chartDrifted(server),
    // Nothing readable is nothing known: never healthy by default.
    health: components.length
      ? worstHealth(...components.map(c => c.health))
      : 'unknown',
    components: components.map(c => ({
      component: c.component,
      health: c.health,
      ...(c.reason ? { reason: c.reason } : {}),
    })),
    failedRuns24h: (last24h.Failed ?? 0) + (last24h.Error ?? 0),
    staleRuns: ingestion?.runs?.filter(r => r.stale).length ?? 0,
    ...(runs
      ? {
          runs7d: runs.map(({ date, succeeded, failed }) => ({
            date,
            succeeded,
            failed,
          })),
        }
      : {}),
    ...(expiries[0] ? { pullSecretExpiresAt: expiries[0] } : {}),
    ...(search?.reindex
      ? {
          lastReindex: {
            status: search.reindex.status,
            ...(search.reindex.startTime
              ? { startedAt: search.reindex.startTime }
              : {}),
          },
        }
      : {}),
  };
}
