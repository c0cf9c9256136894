import type {
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import type {
  CollateBackendHealth,
  CollateClusters,
  CollateDeployAccess,
} from '@collate-backstage/plugin-collate-common';
import type { KubernetesClusters } from '@collate-backstage/plugin-collate-node';
import { actionExecutePermission } from '@backstage/plugin-scaffolder-common/alpha';
import express from 'express';
import Router from 'express-promise-router';
import type { StatusService } from './status/StatusService';
import type { CollateOperations } from './operations/collateOperations';
import type { WorkflowOperations } from './operations/workflowOperations';
import { refusedCollateActions } from './access';
import type { EntityPermissions } from './auth/requirePermission';
import { addCollateRoutes } from './routes/collateRoutes';
import { addHistoryRoutes } from './routes/historyRoutes';
import { addStatusRoutes } from './routes/statusRoutes';
import { addWorkflowRoutes } from './routes/workflowRoutes';
import { addFleetRoutes } from './routes/fleetRoutes';
import type { FleetRows } from './fleet/fleetRows';
import type { CatalogService } from '@backstage/plugin-catalog-node';

export interface RouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  status: StatusService;
  collate: CollateOperations;
  clusters: Pick<KubernetesClusters, 'authInfo'>;
  logger: LoggerService;
  workflows: WorkflowOperations;
  /** Caps of the log route (`collate.status.logs`). */
  logs: { maxBytes: number; followMs: number };
  /** The one check of who may read and operate an entity (`auth/requirePermission.ts`), shared with the actions. */
  entityPermissions: EntityPermissions;
  /** `collate.permissions.deployers`, named to a user who may not deploy. */
  deployers: string[];
  /** The fleet's rows, shared with the actions. */
  fleetRows: FleetRows;
}

/**
 * Routes:
 * - `GET /health`: liveness, without credentials.
 * - `GET /clusters`: name and auth provider of every cluster, so a frontend knows which user tokens to send.
 * - `GET /access/deploy`: whether the signed-in user may run the Collate actions, asked of the permission policy as
 *   the scaffolder asks it (`scaffolder.action.execute`), and who may.
 * - `GET /fleet`: every Collate deployment the caller may read, summed up (`routes/fleetRoutes.ts`).
 * - the entity routes of `routes/`: status, Collate writes and workflows. Each reads its entity with the caller's
 *   credentials through the one entity-permission helper (`auth/requirePermission.ts`).
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const {
    httpAuth,
    permissions,
    entityPermissions,
    catalog,
    status,
    collate,
    clusters,
    logger,
    workflows,
    logs,
    deployers,
  } = options;
  const router = Router();
  router.use(express.json({ limit: '64kb' }));

  router.get('/health', (_req, res) => {
    const body: CollateBackendHealth = { status: 'ok' };
    res.json(body);
  });

  router.get('/access/deploy', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const [decision] = await permissions.authorizeConditional(
      [{ permission: actionExecutePermission }],
      { credentials },
    );
    const refusedActions = refusedCollateActions(decision);
    const body: CollateDeployAccess = {
      allowed: refusedActions.length === 0,
      refusedActions,
      deployers,
    };
    res.json(body);
  });

  router.get('/clusters', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const body: CollateClusters = { clusters: await clusters.authInfo() };
    res.json(body);
  });

  addStatusRoutes(router, { entityPermissions, status });
  addHistoryRoutes(router, { entityPermissions, status });
  addCollateRoutes(router, { entityPermissions, collate, logger });
  addWorkflowRoutes(router, { entityPermissions, workflows, logger, logs });
  addFleetRoutes(router, {
    httpAuth,
    catalog,
    entityPermissions,
    rows: options.fleetRows,
  });

  return router;
}
