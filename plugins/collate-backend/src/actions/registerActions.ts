import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { z as zod } from 'zod/v3';
import {
  COLLATE_HEALTH_ORDER,
  collateComponentsOf,
  type CollateHealth,
  type CollateServerStatus,
} from '@collate-backstage/plugin-collate-common';
import type { EntityPermissions } from '../auth/requirePermission';
import type { StatusService } from '../status/StatusService';
import { chartDrifted, readFleet } from '../fleet/readFleet';
import type { FleetRows } from '../fleet/fleetRows';

const HEALTH = COLLATE_HEALTH_ORDER as [CollateHealth, ...CollateHealth[]];

/** The deployment an action is about. */
const entityRefInput = (z: typeof zod) =>
  z
    .string()
    .describe(
      'The Collate System (or one of its components), e.g. system:default/collate-prod',
    );

/**
 * Read-only actions for agents (the actions registry, served over MCP by `@backstage/plugin-mcp-actions-backend`):
 * the Collate deployments a caller may read with their health, one deployment's status, and its versions and drift.
 * Each reads entities with the caller's credentials and goes through the same check as the status routes
 * (`collate.status.read`, and an entity the Collate actions registered or an operator adopted): an agent sees what its
 * user sees, no more.
 */
export function registerCollateActions(deps: {
  actionsRegistry: ActionsRegistryService;
  catalog: CatalogService;
  entityPermissions: EntityPermissions;
  status: StatusService;
  fleetRows: FleetRows;
}) {
  const { actionsRegistry, catalog, entityPermissions, status, fleetRows } =
    deps;

  actionsRegistry.register({
    name: 'list-deployments',
    title: 'List Collate deployments',
    description:
      'Lists the Collate (OpenMetadata) deployments registered in the catalog that the caller may read, each with its overall health, the health of each component (server, Argo Workflows, database, search engine, runner, ingestion) and the reason when it is not healthy. Worst first.',
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: z =>
        z.object({
          owner: z
            .string()
            .optional()
            .describe(
              'Only deployments of this owner (e.g. group:default/data-team)',
            ),
        }),
      output: z =>
        z.object({
          deployments: z.array(
            z.object({
              entityRef: z.string(),
              title: z.string().optional(),
              owner: z.string().optional(),
              health: z.enum(HEALTH),
              components: z.array(
                z.object({
                  component: z.string(),
                  health: z.enum(HEALTH),
                  reason: z.string().optional(),
                }),
              ),
            }),
          ),
          refused: z
            .number()
            .describe('Deployments in the catalog the caller may not read'),
        }),
    },
    action: async ({ input, credentials }) => {
      const fleet = await readFleet(
        { catalog, entityPermissions, rows: fleetRows },
        credentials,
        { owner: input.owner },
      );
      return {
        output: {
          deployments: fleet.deployments.map(d => ({
            entityRef: d.entityRef,
            ...(d.title ? { title: d.title } : {}),
            ...(d.owner ? { owner: d.owner } : {}),
            health: d.health,
            components: d.components,
          })),
          refused: fleet.refused,
        },
      };
    },
  });

  actionsRegistry.register({
    name: 'get-deployment-status',
    title: "Get a Collate deployment's status",
    description:
      'The full status of one Collate deployment (a System or one of its components in the catalog), as its Collate tab shows it: each component with its health, reason, replicas, versions, workflow runs and pipelines. Refused when the caller may not read it, with why.',
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: z => z.object({ entityRef: entityRefInput(z) }),
      output: z =>
        z.object({
          entityRef: z.string(),
          components: z.array(z.record(z.unknown())),
        }),
    },
    action: async ({ input, credentials }) => {
      const { entity, entityRef } = await entityPermissions.readableByRef(
        input.entityRef,
        credentials,
      );
      const components = await status.status(
        entity,
        collateComponentsOf(entity),
      );
      return {
        output: {
          entityRef,
          components: components as unknown as Array<Record<string, unknown>>,
        },
      };
    },
  });

  actionsRegistry.register({
    name: 'get-deployment-versions',
    title: "Get a Collate deployment's versions and drift",
    description:
      "The Collate server's version, its Helm release (chart, app version, Helm state, revision), the chart version it was created with and the guides' pin, and whether the chart drifted; Argo Workflows' version. For planning an upgrade.",
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: z => z.object({ entityRef: entityRefInput(z) }),
      output: z =>
        z.object({
          entityRef: z.string(),
          collateVersion: z.string().optional(),
          imageVersion: z.string().optional(),
          release: z.record(z.unknown()).optional(),
          chartDrift: z
            .boolean()
            .describe(
              'Whether the chart differs from the one the deployment was created with',
            ),
          argoVersion: z.string().optional(),
        }),
    },
    action: async ({ input, credentials }) => {
      const { entity, entityRef } = await entityPermissions.readableByRef(
        input.entityRef,
        credentials,
      );
      const kinds = collateComponentsOf(entity).filter(
        c => c === 'server' || c === 'argo',
      );
      const components = await status.status(entity, kinds);
      const server = components.find(c => c.component === 'server') as
        | CollateServerStatus
        | undefined;
      const argo = components.find(c => c.component === 'argo');
      return {
        output: {
          entityRef,
          ...(server?.version ? { collateVersion: server.version } : {}),
          ...(server?.imageVersion
            ? { imageVersion: server.imageVersion }
            : {}),
          ...(server?.release
            ? { release: server.release as unknown as Record<string, unknown> }
            : {}),
          chartDrift: chartDrifted(server),
          ...(argo && 'serverVersion' in argo && argo.serverVersion
            ? { argoVersion: argo.serverVersion }
            : {}),
        },
      };
    },
  });
}
