import { InputError, NotFoundError } from '@backstage/errors';
import type { KubernetesRequestAuth } from '@backstage/plugin-kubernetes-common';
import {
  COLLATE_COMPONENT_KINDS,
  collateComponentsOf,
  isCollateComponentKind,
  type CollateEntityStatus,
} from '@collate-backstage/plugin-collate-common';
import type express from 'express';
import type { StatusService } from '../status/StatusService';
import type { EntityPermissions } from '../auth/requirePermission';

/**
 * - `GET|POST /entities/:kind/:namespace/:name/status`: every component the entity describes.
 * - `GET|POST /entities/:kind/:namespace/:name/status/:component`: one component, for a card's refresh.
 *
 * The POST forms take `{ auth }` in the Kubernetes plugin's request-body format (what its frontend's
 * `kubernetesAuthProvidersApi.decorateRequestBodyForAuth` produces): the signed-in user's tokens for clusters
 * whose auth provider is client-side (`oidc`, `aks`, `google`).
 */
export function addStatusRoutes(
  router: express.Router,
  deps: { entityPermissions: EntityPermissions; status: StatusService },
) {
  const { status } = deps;
  const authorizedEntity = deps.entityPermissions.readable;
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
}

/** The user's cluster tokens of a POST body (`{ auth: { oidc: { dex: '…' } } }`); none for a GET. */
export function requestAuth(req: express.Request): KubernetesRequestAuth {
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
