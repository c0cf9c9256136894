import type {
  BackstageCredentials,
  BackstageServicePrincipal,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import { InputError, NotAllowedError } from '@backstage/errors';
import { COLLATE_DEPLOYMENT_KINDS } from '@collate-backstage/plugin-collate-common';
import express from 'express';
import Router from 'express-promise-router';
import type { CollateDeploymentProvider } from './CollateDeploymentProvider';

const NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** The one writer of Collate deployments: the scaffolder's `collate:catalog:*` actions, with its own credentials. */
const WRITER = 'plugin:scaffolder';

/** A write's caller, refused unless it is the scaffolder plugin itself (not a user, not an external token). */
async function writer(httpAuth: HttpAuthService, req: express.Request) {
  const credentials: BackstageCredentials<BackstageServicePrincipal> =
    await httpAuth.credentials(req, { allow: ['service'] });
  if (credentials.principal.subject !== WRITER)
    throw new NotAllowedError(
      `Only the scaffolder's collate:catalog actions write Collate deployments; ${credentials.principal.subject} may not. Run a Collate template instead.`,
    );
  return credentials;
}

/** Body of `PATCH /collate/deployments/:name`. @public */
export interface AnnotateDeploymentRequest {
  annotations: Record<string, string>;
}

/** Body of `PUT /collate/deployments/:name`. @public */
export interface RegisterDeploymentRequest {
  entities: Entity[];
}

/**
 * Routes on the catalog plugin (under `/api/catalog`), for the `collate:catalog:register` and
 * `collate:catalog:unregister` actions. Writes are for the scaffolder plugin's own service principal only (not a
 * user, not another plugin, not an external token), and register only the kinds a deployment has (System, Component,
 * Resource); every route needs credentials.
 *
 * - `GET /collate/deployments`: the registered deployments and their entity refs.
 * - `PUT /collate/deployments/:name` (`?dryRun=true` plans only): registers or replaces a deployment's entities.
 * - `PATCH /collate/deployments/:name` (`?dryRun=true` plans only): sets `collate.io/*` annotations on its entities
 *   (`{ annotations }`): on those that have them, or on its System.
 * - `DELETE /collate/deployments/:name` (`?dryRun=true` plans only): removes them from the catalog.
 */
export function createDeploymentsRouter(options: {
  provider: CollateDeploymentProvider;
  httpAuth: HttpAuthService;
}): express.Router {
  const { provider, httpAuth } = options;
  const router = Router();

  router.get('/collate/deployments', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    res.json({ deployments: await provider.list() });
  });

  router.put(
    '/collate/deployments/:name',
    express.json({ limit: '1mb' }),
    async (req, res) => {
      await writer(httpAuth, req);
      const name = validName(req.params.name);
      const entities = validateEntities(
        (req.body as RegisterDeploymentRequest)?.entities,
      );
      res.json(
        await provider.register(name, entities, {
          dryRun: req.query.dryRun === 'true',
        }),
      );
    },
  );

  router.patch(
    '/collate/deployments/:name',
    express.json({ limit: '64kb' }),
    async (req, res) => {
      await writer(httpAuth, req);
      const name = validName(req.params.name);
      const annotations = validateAnnotations(
        (req.body as AnnotateDeploymentRequest)?.annotations,
      );
      res.json(
        await provider.annotate(name, annotations, {
          dryRun: req.query.dryRun === 'true',
        }),
      );
    },
  );

  router.delete('/collate/deployments/:name', async (req, res) => {
    await writer(httpAuth, req);
    const name = validName(req.params.name);
    res.json(
      await provider.unregister(name, { dryRun: req.query.dryRun === 'true' }),
    );
  });

  return router;
}

function validName(name: string): string {
  if (!NAME.test(name)) {
    throw new InputError(
      `Invalid deployment name '${name}': lowercase letters, digits and '-', at most 63 characters`,
    );
  }
  return name;
}

/** Only Collate's own annotations, with plain string values: a deployment's other metadata is its template's. */
function validateAnnotations(value: unknown): Record<string, string> {
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new InputError('annotations must be an object of strings');
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0 || entries.length > 20)
    throw new InputError('annotations: between 1 and 20');
  for (const [key, v] of entries) {
    if (!/^collate\.io\/[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(key))
      throw new InputError(
        `annotations: '${key}' is not a collate.io/ annotation`,
      );
    if (typeof v !== 'string' || v.length > 1024)
      throw new InputError(
        `annotations['${key}'] must be a string of at most 1024 characters`,
      );
  }
  return value as Record<string, string>;
}

function validateEntities(value: unknown): Entity[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new InputError(
      'entities must be a non-empty array of catalog entities',
    );
  }
  if (value.length > 50) {
    throw new InputError('entities: at most 50 per deployment');
  }
  return value.map((e, i) => {
    const entity = e as Entity;
    if (
      typeof entity?.apiVersion !== 'string' ||
      typeof entity?.kind !== 'string' ||
      typeof entity?.metadata?.name !== 'string'
    ) {
      throw new InputError(
        `entities[${i}] needs apiVersion, kind and metadata.name`,
      );
    }
    if (!COLLATE_DEPLOYMENT_KINDS.includes(entity.kind)) {
      throw new NotAllowedError(
        `entities[${i}] is a ${
          entity.kind
        }: a Collate deployment registers only ${COLLATE_DEPLOYMENT_KINDS.join(
          ', ',
        )}`,
      );
    }
    if (!NAME.test(entity.metadata.name)) {
      throw new InputError(
        `entities[${i}].metadata.name '${entity.metadata.name}' is not a valid entity name`,
      );
    }
    return entity;
  });
}
