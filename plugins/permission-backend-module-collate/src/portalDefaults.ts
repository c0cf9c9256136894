import type { BackstageUserInfo } from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  type PermissionCondition,
  type PolicyDecision,
} from '@backstage/plugin-permission-common';
import type { PolicyQuery } from '@backstage/plugin-permission-node';

/** The scaffolder's task permissions: reading a task (and its log) and cancelling it. */
const OWN_TASK_PERMISSIONS = ['scaffolder.task.read', 'scaffolder.task.cancel'];
/** The catalog's permission to register a location (`POST /api/catalog/locations`). */
const LOCATION_CREATE = 'catalog.location.create';

/** The scaffolder's rule: the task was created by one of these users. */
const isTaskOwner = (
  createdBy: string[],
): PermissionCondition<'scaffolder-task'> => ({
  rule: 'IS_TASK_OWNER',
  resourceType: 'scaffolder-task',
  params: { createdBy },
});

/**
 * The safe default for the permissions that are not Collate's, for a portal that has no policy of its own: a user
 * reads and cancels only their own scaffolder tasks (a task's log names the deployment it made), and registers
 * catalog locations only as a deployer or a member of `collate.permissions.locationCreators`. Deployers see every
 * task. Everything else is allowed, as Backstage's allow-all policy does.
 * @public
 */
export function portalDefaultDecision(
  request: PolicyQuery,
  info: BackstageUserInfo | undefined,
  roles: { deployer: boolean; locationCreator: boolean },
): PolicyDecision {
  const { name } = request.permission;
  if (!info || roles.deployer) return { result: AuthorizeResult.ALLOW };
  if (OWN_TASK_PERMISSIONS.includes(name))
    return {
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'scaffolder',
      resourceType: 'scaffolder-task',
      conditions: isTaskOwner([info.userEntityRef]),
    };
  if (name === LOCATION_CREATE)
    return {
      result: roles.locationCreator
        ? AuthorizeResult.ALLOW
        : AuthorizeResult.DENY,
    };
  return { result: AuthorizeResult.ALLOW };
}
