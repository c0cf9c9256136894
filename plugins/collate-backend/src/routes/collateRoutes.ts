import type { LoggerService } from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  collateComponentsOf,
  COLLATE_PIPELINE_OPERATIONS,
  collatePipelinePermissions,
  collateReindexPermission,
  collateReindexRecreatePermission,
} from '@collate-backstage/plugin-collate-common';
import type express from 'express';
import { operationParam } from './operationParam';
import type { EntityPermissions } from '../auth/requirePermission';
import type { CollateOperations } from '../operations/collateOperations';

/**
 * Writes on the entity's Collate server, each logged with who asked:
 * - `POST /entities/:kind/:namespace/:name/reindex`: rebuilds the search indexes (`{ recreateIndex?: boolean }`), or
 *   reports the run already in progress; needs `collate.search.reindex` on the entity.
 * - `POST /entities/:kind/:namespace/:name/pipelines/:pipelineId/:operation`: `trigger` (run now) or `deploy` an
 *   ingestion pipeline; needs `collate.pipeline.<operation>` on the entity.
 */
export function addCollateRoutes(
  router: express.Router,
  deps: {
    entityPermissions: EntityPermissions;
    collate: CollateOperations;
    logger: LoggerService;
  },
) {
  const { entityPermissions, collate, logger } = deps;
  router.post('/entities/:kind/:namespace/:name/reindex', async (req, res) => {
    const body = (req.body ?? {}) as { recreateIndex?: unknown };
    if (
      body.recreateIndex !== undefined &&
      typeof body.recreateIndex !== 'boolean'
    ) {
      throw new InputError("Invalid body: 'recreateIndex' must be a boolean");
    }
    const recreateIndex = body.recreateIndex === true;
    const { entity, entityRef, credentials } = await entityPermissions.allowed(
      req,
      recreateIndex
        ? collateReindexRecreatePermission
        : collateReindexPermission,
      recreateIndex
        ? 'recreate the search indexes of'
        : 'reindex the search of',
    );
    if (!collateComponentsOf(entity).includes('search')) {
      throw new NotFoundError(
        `${entityRef} does not describe a Collate search engine`,
      );
    }
    const result = await collate.startReindex(entity, recreateIndex);
    logger.info(
      result.started
        ? `reindex of ${entityRef} started by ${credentials.principal.userEntityRef} (recreateIndex: ${recreateIndex})`
        : `reindex of ${entityRef} asked by ${credentials.principal.userEntityRef}: a run is already in progress`,
    );
    res.status(result.started ? 202 : 200).json(result);
  });

  router.post(
    '/entities/:kind/:namespace/:name/pipelines/:pipelineId/:operation',
    async (req, res) => {
      const { pipelineId, operation } = req.params;
      const op = operationParam(operation, COLLATE_PIPELINE_OPERATIONS);
      const { entity, entityRef, credentials } =
        await entityPermissions.allowed(
          req,
          collatePipelinePermissions[op],
          `${op} the ingestion pipelines of`,
        );
      const result = await collate.operatePipeline(entity, pipelineId, op);
      logger.info(
        `ingestion pipeline ${pipelineId}: ${op} by ${credentials.principal.userEntityRef} for ${entityRef}`,
      );
      res.json(result);
    },
  );
}
