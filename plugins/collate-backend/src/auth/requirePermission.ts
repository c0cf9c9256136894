import type {
  BackstageCredentials,
  BackstageUserPrincipal,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import { type Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  AuthorizeResult,
  type ResourcePermission,
} from '@backstage/plugin-permission-common';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { collateStatusReadPermission } from '@collate-backstage/plugin-collate-common';
import type express from 'express';
import type { DeploymentBinding } from './deploymentBinding';

/** The entity of a route's `:kind/:namespace/:name`, read with the caller's credentials. */
export interface AuthorizedEntity {
  entity: Entity;
  entityRef: string;
}

/**
 * The one place the routes check who is asking: every entity route reads its entity through `readable`
 * (`collate.status.read` on it, and an entity the backend may act on: see {@link DeploymentBinding}; 403 otherwise),
 * and every operation through `allowed` (a signed-in user, and the operation's own permission on that entity). A
 * refusal says why: the permission to ask for, or how to register the deployment.
 */
export function createEntityPermissions(deps: {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  /** Which entities' coordinates the backend may act on at all, whoever asks. */
  binding: DeploymentBinding;
}) {
  const { httpAuth, permissions, catalog, binding } = deps;

  async function readable(req: express.Request): Promise<AuthorizedEntity> {
    const { kind, namespace, name } = req.params;
    const entityRef = stringifyEntityRef({ kind, namespace, name });
    return readableByRef(entityRef, await httpAuth.credentials(req));
  }

  /** The same check for callers without a request: the actions registry's actions, with the caller's credentials. */
  async function readableByRef(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<AuthorizedEntity> {
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
    const unbound = binding.refusal(entity);
    if (unbound) throw new NotAllowedError(unbound);
    return { entity, entityRef };
  }

  /**
   * The entity, once the caller may read it and, as a user, has `permission` on it. `doing` completes the refusal:
   * "Not allowed to <doing> <entityRef> (permission <name>)".
   */
  async function allowed(
    req: express.Request,
    permission: ResourcePermission,
    doing: string,
  ): Promise<
    AuthorizedEntity & {
      credentials: BackstageCredentials<BackstageUserPrincipal>;
    }
  > {
    const target = await readable(req);
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const [decision] = await permissions.authorize(
      [{ permission, resourceRef: target.entityRef }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `Not allowed to ${doing} ${target.entityRef} (permission ${permission.name})`,
      );
    }
    return { ...target, credentials };
  }

  return { readable, readableByRef, allowed };
}

/** The entity-permission helper every entity route goes through. */
export type EntityPermissions = ReturnType<typeof createEntityPermissions>;
