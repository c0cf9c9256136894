import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { type Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { NotAllowedError } from '@backstage/errors';
import {
  COLLATE_ANNOTATIONS,
  collateComponentsOf,
  worstHealth,
  type CollateComponentStatus,
  type CollateServerStatus,
} from '@collate-backstage/plugin-collate-common';
import type { EntityPermissions } from '../auth/requirePermission';
import type { StatusService } from '../status/StatusService';
import { mapBounded } from '../status/bounded';

/** How many deployments one list call reads the status of at once. */
const LIST_IN_FLIGHT = 4;

const HEALTH = ['healthy', 'degraded', 'unhealthy', 'unknown'] as const;

const severity = (h: string) =>
  ({ unhealthy: 3, degraded: 2, unknown: 1, healthy: 0 }[h] ?? 0);

function summary(entity: Entity, components: CollateComponentStatus[]) {
  return {
    entityRef: stringifyEntityRef(entity),
    ...(entity.metadata.title ? { title: entity.metadata.title } : {}),
    ...(typeof entity.spec?.owner === 'string'
      ? { owner: entity.spec.owner }
      : {}),
    health: worstHealth(...components.map(c => c.health)),
    components: components.map(c => ({
      component: c.component,
      health: c.health,
      ...(c.reason ? { reason: c.reason } : {}),
    })),
  };
}

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
}) {
  const { actionsRegistry, catalog, entityPermissions, status } = deps;

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
      const { items } = await catalog.getEntities(
        {
          filter: {
            kind: 'System',
            [`metadata.annotations.${COLLATE_ANNOTATIONS.component}`]:
              CATALOG_FILTER_EXISTS,
            ...(input.owner ? { 'spec.owner': input.owner } : {}),
          },
        },
        { credentials },
      );
      let refused = 0;
      const read = await mapBounded(items, LIST_IN_FLIGHT, async entity => {
        const ref = stringifyEntityRef(entity);
        try {
          const allowed = await entityPermissions.readableByRef(
            ref,
            credentials,
          );
          const components = await status.status(
            allowed.entity,
            collateComponentsOf(allowed.entity),
          );
          return summary(allowed.entity, components);
        } catch (e) {
          if (e instanceof NotAllowedError) {
            refused++;
            return undefined;
          }
          throw e;
        }
      });
      // Worst first.
      const deployments = read
        .filter((d): d is NonNullable<typeof d> => Boolean(d))
        .sort(
          (a, b) =>
            severity(b.health) - severity(a.health) ||
            a.entityRef.localeCompare(b.entityRef),
        );
      return { output: { deployments, refused } };
    },
  });

  actionsRegistry.register({
    name: 'get-deployment-status',
    title: "Get a Collate deployment's status",
    description:
      'The full status of one Collate deployment (a System or one of its components in the catalog), as its Collate tab shows it: each component with its health, reason, replicas, versions, workflow runs and pipelines. Refused when the caller may not read it, with why.',
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: z =>
        z.object({
          entityRef: z
            .string()
            .describe('The entity, e.g. system:default/collate-prod'),
        }),
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
      input: z =>
        z.object({
          entityRef: z
            .string()
            .describe('The System, e.g. system:default/collate-prod'),
        }),
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
          chartDrift: server?.release?.chartHealth === 'degraded',
          ...(argo && 'serverVersion' in argo && argo.serverVersion
            ? { argoVersion: argo.serverVersion }
            : {}),
        },
      };
    },
  });
}
