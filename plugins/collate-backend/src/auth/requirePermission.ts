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
    const refusal = refusalOf(entity, entityRef, decision.result);
    if (refusal) throw new NotAllowedError(refusal);
    return { entity, entityRef };
  }

  /**
   * The same check for many entities the caller has read already (a fleet view): one permission request for all,
   * then each entity's binding. Those refused are counted.
   */
  async function readableOf(
    entities: Entity[],
    credentials: BackstageCredentials,
  ): Promise<{ readable: AuthorizedEntity[]; refused: number }> {
    const refs = entities.map(e => stringifyEntityRef(e));
    const decisions = entities.length
      ? await permissions.authorize(
          refs.map(resourceRef => ({
            permission: collateStatusReadPermission,
            resourceRef,
          })),
          { credentials },
        )
      : [];
    const readableEntities = entities
      .map((entity, i) => ({ entity, entityRef: refs[i] }))
      .filter((e, i) => !refusalOf(e.entity, e.entityRef, decisions[i].result));
    return {
      readable: readableEntities,
      refused: entities.length - readableEntities.length,
    };
  }

  /** Why the caller may not read an entity's Collate status, or undefined when they may. */
  function refusalOf(
    entity: Entity,
    entityRef: string,
    result: AuthorizeResult,
  ) {
    if (result !== AuthorizeResult.ALLOW)
      return `Not allowed to read the Collate status of ${entityRef}`;
    return binding.refusal(entity);
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

  return { readable, readableByRef, readableOf, allowed };
}

/** The entity-permission helper every entity route goes through. */
export type EntityPermissions = ReturnType<typeof createEntityPermissions>;
