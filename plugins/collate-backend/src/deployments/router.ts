import type {
  AuthService,
  DiscoveryService,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import express from 'express';
import Router from 'express-promise-router';
import { stringify } from 'yaml';
import type { DeploymentStore } from './DeploymentStore';

const NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Body of `PUT /deployments/:name` (the `collate:catalog:register` action sends it). */
export interface RegisterDeploymentRequest {
  entities: Entity[];
}

/** Answer of `PUT /deployments/:name`. */
export interface RegisterDeploymentResponse {
  /** What the catalog reads: the entities as YAML. */
  locationUrl: string;
  entityRefs: string[];
  /** `create`, `update` or `unchanged`: what was (or, on a dry run, would be) done. */
  action: 'create' | 'update' | 'unchanged';
  /** Whether the catalog location was (or would be) added. */
  locationAdded: boolean;
}

/**
 * Routes that let the templates register what they deployed in the catalog without a Git repository: the entities
 * are kept in this plugin's database and served as a catalog file, registered once as a `url` location.
 *
 * - `PUT /deployments/:name` (`?dryRun=true` plans only): service principals only (the scaffolder's action).
 * - `GET /deployments/:name/catalog-info.yaml`: read by the catalog's URL reader (unauthenticated; the entities carry
 *   no secrets, only names and annotations).
 */
export function createDeploymentsRouter(options: {
  store: DeploymentStore;
  catalog: CatalogService;
  auth: AuthService;
  httpAuth: HttpAuthService;
  discovery: DiscoveryService;
}): express.Router {
  const { store, catalog, auth, httpAuth, discovery } = options;
  const router = Router();

  router.get('/deployments/:name/catalog-info.yaml', async (req, res) => {
    const stored = await store.get(req.params.name);
    if (!stored) throw new NotFoundError(`No deployment ${req.params.name}`);
    res.type('application/yaml').send(stored.yaml);
  });

  router.put('/deployments/:name', express.json(), async (req, res) => {
    await httpAuth.credentials(req, { allow: ['service'] });
    const { name } = req.params;
    if (!NAME.test(name)) {
      throw new InputError(
        `Invalid deployment name '${name}': lowercase letters, digits and '-', at most 63 characters`,
      );
    }
    const entities = validateEntities(
      (req.body as RegisterDeploymentRequest)?.entities,
    );
    const dryRun = req.query.dryRun === 'true';
    const yaml = entities.map(e => stringify(e)).join('---\n');
    const existing = await store.get(name);
    let action: RegisterDeploymentResponse['action'] = 'create';
    if (existing) action = existing.yaml === yaml ? 'unchanged' : 'update';

    const locationUrl = `${await discovery.getBaseUrl(
      'collate',
    )}/deployments/${name}/catalog-info.yaml`;
    const credentials = await auth.getOwnServiceCredentials();
    const location = await catalog.getLocationByRef(`url:${locationUrl}`, {
      credentials,
    });
    if (!dryRun) {
      if (action !== 'unchanged') await store.put(name, yaml);
      if (location) {
        if (action === 'update') {
          // Refreshing an entity re-reads the location it came from: the change shows now, not at the next round.
          for (const ref of entities.map(e => stringifyEntityRef(e))) {
            await catalog
              .refreshEntity(ref, { credentials })
              .catch(() => undefined);
          }
        }
      } else {
        await catalog.addLocation(
          { type: 'url', target: locationUrl },
          { credentials },
        );
      }
    }
    const body: RegisterDeploymentResponse = {
      locationUrl,
      entityRefs: entities.map(e => stringifyEntityRef(e)),
      action,
      locationAdded: !location,
    };
    res.json(body);
  });

  return router;
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
    if (!NAME.test(entity.metadata.name)) {
      throw new InputError(
        `entities[${i}].metadata.name '${entity.metadata.name}' is not a valid entity name`,
      );
    }
    return entity;
  });
}
