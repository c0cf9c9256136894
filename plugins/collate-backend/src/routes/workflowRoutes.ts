import type { LoggerService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  COLLATE_WORKFLOW_OPERATIONS,
  collateWorkflowLogsPermission,
  collateWorkflowPermissions,
} from '@collate-backstage/plugin-collate-common';
import type express from 'express';
import { operationParam } from './operationParam';
import type { EntityPermissions } from '../auth/requirePermission';
import type { WorkflowOperations } from '../operations/workflowOperations';

/**
 * The entity's ingestion workflows on their Argo server, each logged with who asked:
 * - `POST /entities/:kind/:namespace/:name/workflows/:workflow/:operation`: `retry`, `resubmit`, `stop` or
 *   `terminate`; needs `collate.workflow.<operation>` on the entity.
 * - `GET /entities/:kind/:namespace/:name/workflows/:workflow/log[?follow=true]`: the `main` container's logs as
 *   text, streamed, cut at `collate.status.logs.maxBytes`; needs `collate.workflow.logs`.
 */
export function addWorkflowRoutes(
  router: express.Router,
  deps: {
    entityPermissions: EntityPermissions;
    workflows: WorkflowOperations;
    logger: LoggerService;
    logs: { maxBytes: number; followMs: number };
  },
) {
  const { entityPermissions, workflows, logger, logs } = deps;
  router.post(
    '/entities/:kind/:namespace/:name/workflows/:workflow/:operation',
    async (req, res) => {
      const { workflow, operation } = req.params;
      const op = operationParam(operation, COLLATE_WORKFLOW_OPERATIONS);
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
