import type {
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  COLLATE_COMPONENT_KINDS,
  collateComponentsOf,
  COLLATE_PIPELINE_OPERATIONS,
  COLLATE_WORKFLOW_OPERATIONS,
  collatePipelinePermissions,
  collateReindexPermission,
  collateWorkflowLogsPermission,
  collateWorkflowPermissions,
  type CollatePipelineOperation,
  type CollateWorkflowOperation,
  isCollateComponentKind,
  type CollateBackendHealth,
  type CollateClusters,
  type CollateDeployAccess,
  type CollateEntityStatus,
} from '@collate-backstage/plugin-collate-common';
import type { KubernetesRequestAuth } from '@backstage/plugin-kubernetes-common';
import type { KubernetesClusters } from '@collate-backstage/plugin-collate-node';
import { actionExecutePermission } from '@backstage/plugin-scaffolder-common/alpha';
import express from 'express';
import Router from 'express-promise-router';
import type { StatusService } from './status/StatusService';
import type { WorkflowOperations } from './operations/workflowOperations';
import { refusedCollateActions } from './access';
import { createEntityPermissions } from './auth/requirePermission';

export interface RouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  status: StatusService;
  clusters: Pick<KubernetesClusters, 'authInfo'>;
  logger: LoggerService;
  workflows: WorkflowOperations;
  /** Caps of the log route (`collate.status.logs`). */
  logs: { maxBytes: number; followMs: number };
  /** `collate.permissions.deployers`, named to a user who may not deploy. */
  deployers: string[];
}

/**
 * Routes:
 * - `GET /health`: liveness, without credentials.
 * - `GET /clusters`: name and auth provider of every cluster, so a frontend knows which user tokens to send.
 * - `GET /access/deploy`: whether the signed-in user may run the Collate actions, asked of the permission policy as
 *   the scaffolder asks it (`scaffolder.action.execute`), and who may.
 * - `GET|POST /entities/:kind/:namespace/:name/status`: every component the entity describes.
 * - `GET|POST /entities/:kind/:namespace/:name/status/:component`: one component, for a card's refresh.
 *
 * The POST forms take `{ auth }` in the Kubernetes plugin's request-body format (what its frontend's
 * `kubernetesAuthProvidersApi.decorateRequestBodyForAuth` produces): the signed-in user's tokens for clusters
 * whose auth provider is client-side (`oidc`, `aks`, `google`).
 *
 * - `POST /entities/:kind/:namespace/:name/reindex`: rebuilds the search indexes of the entity's Collate
 *   (`{ recreateIndex?: boolean }`), or reports the run already in progress; needs `collate.search.reindex` on the
 *   entity, and is logged with who asked.
 * - `POST /entities/:kind/:namespace/:name/workflows/:workflow/:operation`: `retry`, `resubmit`, `stop` or
 *   `terminate` a workflow of the entity's ingestion namespace on its Argo server; needs `collate.workflow.<operation>`
 *   on the entity, and is logged with who asked.
 * - `GET /entities/:kind/:namespace/:name/workflows/:workflow/log[?follow=true]`: the workflow's `main` container
 *   logs from its Argo server as text, streamed, cut at `collate.status.logs.maxBytes`; needs `collate.workflow.logs`.
 * - `POST /entities/:kind/:namespace/:name/pipelines/:pipelineId/:operation`: `trigger` (run now) or `deploy` a
 *   Collate ingestion pipeline on the entity's Collate server; needs `collate.pipeline.<operation>` on the entity,
 *   and is logged with who asked.
 *
 * The entity is read from the catalog with the caller's credentials, then `collate.status.read` is authorized for it.
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const {
    httpAuth,
    permissions,
    catalog,
    status,
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

  const entityPermissions = createEntityPermissions({
    httpAuth,
    permissions,
    catalog,
  });
  const authorizedEntity = entityPermissions.readable;

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

  const entityStatus = async (req: express.Request, res: express.Response) => {
    const { entity, entityRef } = await authorizedEntity(req);
    const components = collateComponentsOf(entity);
    const body: CollateEntityStatus = {
      entityRef,
      components: await status.status(entity, components, requestAuth(req)),
      ...(status.notice ? { notice: status.notice } : {}),
    };
    res.set('Cache-Control', 'no-store').json(body);
  };
  router.get('/entities/:kind/:namespace/:name/status', entityStatus);
  router.post('/entities/:kind/:namespace/:name/status', entityStatus);

  router.all(
    '/entities/:kind/:namespace/:name/status/:component',
    async (req, res, next) => {
      if (req.method !== 'GET' && req.method !== 'POST') {
        next();
        return;
      }
      const { component } = req.params;
      if (!isCollateComponentKind(component)) {
        throw new InputError(
          `Unknown component '${component}'; one of ${COLLATE_COMPONENT_KINDS.join(
            ', ',
          )}`,
        );
      }
      const { entity, entityRef } = await authorizedEntity(req);
      if (!collateComponentsOf(entity).includes(component)) {
        throw new NotFoundError(
          `${entityRef} does not describe a Collate ${component}`,
        );
      }
      const [result] = await status.status(
        entity,
        [component],
        requestAuth(req),
      );
      res.set('Cache-Control', 'no-store').json(result);
    },
  );

  router.post('/entities/:kind/:namespace/:name/reindex', async (req, res) => {
    const body = (req.body ?? {}) as { recreateIndex?: unknown };
    if (
      body.recreateIndex !== undefined &&
      typeof body.recreateIndex !== 'boolean'
    ) {
      throw new InputError("Invalid body: 'recreateIndex' must be a boolean");
    }
    const { entity, entityRef, credentials } = await entityPermissions.allowed(
      req,
      collateReindexPermission,
      'reindex the search of',
    );
    if (!collateComponentsOf(entity).includes('search')) {
      throw new NotFoundError(
        `${entityRef} does not describe a Collate search engine`,
      );
    }
    const recreateIndex = body.recreateIndex === true;
    const result = await status.startReindex(entity, recreateIndex);
    logger.info(
      result.started
        ? `reindex of ${entityRef} started by ${credentials.principal.userEntityRef} (recreateIndex: ${recreateIndex})`
        : `reindex of ${entityRef} asked by ${credentials.principal.userEntityRef}: a run is already in progress`,
    );
    res.status(result.started ? 202 : 200).json(result);
  });

  router.post(
    '/entities/:kind/:namespace/:name/workflows/:workflow/:operation',
    async (req, res) => {
      const { workflow, operation } = req.params;
      if (
        !COLLATE_WORKFLOW_OPERATIONS.includes(
          operation as CollateWorkflowOperation,
        )
      ) {
        throw new InputError(
          `Unknown operation '${operation}'; one of ${COLLATE_WORKFLOW_OPERATIONS.join(
            ', ',
          )}`,
        );
      }
      const op = operation as CollateWorkflowOperation;
      const { entity, entityRef, credentials } =
        await entityPermissions.allowed(
          req,
          collateWorkflowPermissions[op],
          `${op} the workflows of`,
        );
      const result = await workflows.run(entity, workflow, op, where(req));
      logger.info(
        `workflow ${result.namespace}/${workflow}: ${op} by ${
          credentials.principal.userEntityRef
        } for ${entityRef}${
          result.workflow !== workflow
            ? ` (new workflow ${result.workflow})`
            : ''
        }`,
      );
      res.json(result);
    },
  );

  router.get(
    '/entities/:kind/:namespace/:name/workflows/:workflow/log',
    async (req, res) => {
      const { workflow } = req.params;
      const follow = req.query.follow === 'true';
      const { entity, entityRef, credentials } =
        await entityPermissions.allowed(
          req,
          collateWorkflowLogsPermission,
          'read the workflow logs of',
        );
      const gone = new AbortController();
      res.on('close', () => gone.abort());
      let started = false;
      const result = await workflows.streamLogs(entity, workflow, {
        where: where(req),
        follow,
        maxBytes: logs.maxBytes,
        followMs: logs.followMs,
        signal: gone.signal,
        write: text => {
          if (!started) {
            started = true;
            res
              .status(200)
              .set({
                'Content-Type': 'text/plain; charset=utf-8',
                'Cache-Control': 'no-store',
                'X-Content-Type-Options': 'nosniff',
              })
              .flushHeaders();
          }
          res.write(text);
        },
      });
      if (!started)
        res.status(200).type('text/plain').set('Cache-Control', 'no-store');
      res.end();
      logger.info(
        `workflow ${workflow}: logs read by ${
          credentials.principal.userEntityRef
        } for ${entityRef} (${result.bytes} bytes${
          result.truncated ? ', cut' : ''
        }${follow ? ', followed' : ''})`,
      );
    },
  );

  router.post(
    '/entities/:kind/:namespace/:name/pipelines/:pipelineId/:operation',
    async (req, res) => {
      const { pipelineId, operation } = req.params;
      if (
        !COLLATE_PIPELINE_OPERATIONS.includes(
          operation as CollatePipelineOperation,
        )
      ) {
        throw new InputError(
          `Unknown operation '${operation}'; one of ${COLLATE_PIPELINE_OPERATIONS.join(
            ', ',
          )}`,
        );
      }
      const op = operation as CollatePipelineOperation;
      const { entity, entityRef, credentials } =
        await entityPermissions.allowed(
          req,
          collatePipelinePermissions[op],
          `${op} the ingestion pipelines of`,
        );
      const result = await status.operatePipeline(entity, pipelineId, op);
      logger.info(
        `ingestion pipeline ${pipelineId}: ${op} by ${credentials.principal.userEntityRef} for ${entityRef}`,
      );
      res.json(result);
    },
  );

  return router;
}

/** Which of the entity's ingestion locations a workflow route means (`?cluster=&namespace=`); none: its own. */
function where(req: express.Request): { cluster?: string; namespace?: string } {
  const pick = (key: string) => {
    const v = req.query[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || !v)
      throw new InputError(`'${key}' must be one non-empty value`);
    return v;
  };
  const cluster = pick('cluster');
  const namespace = pick('namespace');
  return {
    ...(cluster ? { cluster } : {}),
    ...(namespace ? { namespace } : {}),
  };
}

/** The user's cluster tokens of a POST body (`{ auth: { oidc: { dex: '…' } } }`); none for a GET. */
function requestAuth(req: express.Request): KubernetesRequestAuth {
  if (req.method !== 'POST') return {};
  const auth = (req.body as { auth?: unknown } | undefined)?.auth;
  if (auth === undefined) return {};
  if (typeof auth !== 'object' || auth === null || Array.isArray(auth)) {
    throw new InputError(
      "Invalid body: 'auth' must be an object such as { oidc: { <provider>: <token> } }",
    );
  }
  return auth as KubernetesRequestAuth;
}
