import type { Config } from '@backstage/config';
import type {
  BackstageUserInfo,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  isResourcePermission,
  type PermissionCondition,
  type PermissionCriteria,
  type PolicyDecision,
} from '@backstage/plugin-permission-common';
import type {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  COLLATE_ACTION_IDS,
  COLLATE_DEPLOYER_ONLY_PERMISSIONS,
  collatePermissions,
  collateStatusReadPermission,
} from '@collate-backstage/plugin-collate-common';
import { portalDefaultDecision } from './portalDefaults';

/** Who the policy lets in, from `collate.permissions`. @public */
export interface CollatePolicyOptions {
  /** Entity refs whose members may run the Collate actions and operate any deployment. */
  deployers: string[];
  /** Entity refs whose members may read every deployment's status. */
  viewers: string[];
  /** Entity refs whose members may register catalog locations (deployers may too). */
  locationCreators: string[];
}

/** Reads `collate.permissions` (entity refs, compared lower-case as the catalog does). @public */
export function readCollatePolicyOptions(config: Config): CollatePolicyOptions {
  const refs = (key: string) =>
    (config.getOptionalStringArray(`collate.permissions.${key}`) ?? []).map(r =>
      r.toLocaleLowerCase('en-US'),
    );
  return {
    deployers: refs('deployers'),
    viewers: refs('viewers'),
    locationCreators: refs('locationCreators'),
  };
}

const COLLATE_PERMISSION_NAMES = new Set(collatePermissions.map(p => p.name));
/** The scaffolder's permission to execute an action (resource `scaffolder-action`). */
const ACTION_EXECUTE = 'scaffolder.action.execute';

/** The catalog's rule: the entity is owned by one of the claims (the user and the groups they belong to). */
const isEntityOwner = (
  claims: string[],
): PermissionCondition<'catalog-entity'> => ({
  rule: 'IS_ENTITY_OWNER',
  resourceType: 'catalog-entity',
  params: { claims },
});

/** The scaffolder's rule: the step's action has this id. */
const hasActionId = (
  actionId: string,
): PermissionCondition<'scaffolder-action'> => ({
  rule: 'HAS_ACTION_ID',
  resourceType: 'scaffolder-action',
  params: { actionId },
});

const memberOf = (
  info: BackstageUserInfo | undefined,
  refs: readonly string[],
) =>
  Boolean(info) &&
  [info!.userEntityRef, ...info!.ownershipEntityRefs].some(r =>
    refs.includes(r.toLocaleLowerCase('en-US')),
  );

/**
 * The decision for a Collate permission or the scaffolder's action execution, or undefined for any other
 * permission: for a portal whose own policy delegates these to Collate's.
 *
 * - `scaffolder.action.execute`: deployers every action; anyone else every action but the `collate:*` ones.
 * - `collate.status.read`: deployers, viewers, and the entity's owners (the user or a group they belong to).
 * - the destructive ones (`COLLATE_DEPLOYER_ONLY_PERMISSIONS`: workflow terminate, pipeline deploy, recreating the
 *   search indexes): deployers only.
 * - every other `collate.*` permission (reindex, workflow and pipeline operations, logs): deployers and the entity's
 *   owners.
 * @public
 */
export function collatePolicyDecision(
  request: PolicyQuery,
  /** The user's entity ref and ownership refs (the groups they belong to), from the user info service. */
  info: BackstageUserInfo | undefined,
  options: CollatePolicyOptions,
): PolicyDecision | undefined {
  const { permission } = request;
  const deployer = memberOf(info, options.deployers);
  if (permission.name === ACTION_EXECUTE) {
    if (deployer) return { result: AuthorizeResult.ALLOW };
    const conditions: PermissionCriteria<
      PermissionCondition<'scaffolder-action'>
    > = {
      not: {
        anyOf: COLLATE_ACTION_IDS.map(id => hasActionId(id)) as [
          PermissionCondition<'scaffolder-action'>,
          ...PermissionCondition<'scaffolder-action'>[],
        ],
      },
    };
    return {
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'scaffolder',
      resourceType: 'scaffolder-action',
      conditions,
    };
  }
  if (!COLLATE_PERMISSION_NAMES.has(permission.name)) return undefined;
  if (!info) return { result: AuthorizeResult.DENY };
  if (deployer) return { result: AuthorizeResult.ALLOW };
  // Terminate, pipeline deploy and recreating the indexes disturb others: deployers only, not owners.
  if (COLLATE_DEPLOYER_ONLY_PERMISSIONS.includes(permission.name))
    return { result: AuthorizeResult.DENY };
  if (
    permission.name === collateStatusReadPermission.name &&
    memberOf(info, options.viewers)
  )
    return { result: AuthorizeResult.ALLOW };
  if (!isResourcePermission(permission, 'catalog-entity'))
    return { result: AuthorizeResult.DENY };
  return {
    result: AuthorizeResult.CONDITIONAL,
    pluginId: 'catalog',
    resourceType: 'catalog-entity',
    conditions: isEntityOwner([
      info.userEntityRef,
      ...info.ownershipEntityRefs,
    ]),
  };
}

/**
 * A whole permission policy: Collate's decisions (see {@link collatePolicyDecision}), and for everything else the
 * portal's own policy when given (`fallback`), else the safe default of {@link portalDefaultDecision}. A portal with an
 * RBAC policy of its own passes it as `fallback`, or calls `collatePolicyDecision` from it.
 * @public
 */
export class CollatePermissionPolicy implements PermissionPolicy {
  constructor(
    private readonly options: CollatePolicyOptions,
    private readonly userInfo: UserInfoService,
    private readonly fallback?: PermissionPolicy,
  ) {}

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const info = user
      ? await this.userInfo.getUserInfo(user.credentials)
      : undefined;
    const collate = collatePolicyDecision(request, info, this.options);
    if (collate) return collate;
    if (this.fallback) return this.fallback.handle(request, user);
    return portalDefaultDecision(request, info, {
      deployer: memberOf(info, this.options.deployers),
      locationCreator: memberOf(info, this.options.locationCreators),
    });
  }
}
