import type {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  COLLATE_COMPONENT_KINDS,
  collateComponentsOf,
  collateStatusReadPermission,
  isCollateComponentKind,
  type CollateBackendHealth,
  type CollateEntityStatus,
} from '@internal/backstage-plugin-collate-common';
import express from 'express';
import Router from 'express-promise-router';
import type { StatusService } from './status/StatusService';

export interface RouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  status: StatusService;
}

/**
 * Routes:
 * - `GET /health`: liveness, without credentials.
 * - `GET /entities/:kind/:namespace/:name/status`: every component the entity describes.
 * - `GET /entities/:kind/:namespace/:name/status/:component`: one component, for a card's refresh.
 *
 * The entity is read from the catalog with the caller's credentials, then `collate.status.read` is authorized for it.
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, permissions, catalog, status } = options;
  const router = Router();

  router.get('/health', (_req, res) => {
    const body: CollateBackendHealth = { status: 'ok' };
    res.json(body);
  });

  async function authorizedEntity(req: express.Request) {
    const { kind, namespace, name } = req.params;
    const entityRef = stringifyEntityRef({ kind, namespace, name });
    const credentials = await httpAuth.credentials(req);
    const [entity, [decision]] = await Promise.all([
      catalog.getEntityByRef(entityRef, { credentials }),
      permissions.authorize(
        [{ permission: collateStatusReadPermission, resourceRef: entityRef }],
        { credentials },
      ),
    ]);
    if (!entity) throw new NotFoundError(`No entity ${entityRef}`);
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `Not allowed to read the Collate status of ${entityRef}`,
      );
    }
    return { entity, entityRef };
  }

  router.get('/entities/:kind/:namespace/:name/status', async (req, res) => {
    const { entity, entityRef } = await authorizedEntity(req);
    const components = collateComponentsOf(entity);
    const body: CollateEntityStatus = {
      entityRef,
      components: await status.status(entity, components),
    };
    res.set('Cache-Control', 'no-store').json(body);
  });

  router.get(
    '/entities/:kind/:namespace/:name/status/:component',
    async (req, res) => {
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
      const [result] = await status.status(entity, [component]);
      res.set('Cache-Control', 'no-store').json(result);
    },
  );

  return router;
}
