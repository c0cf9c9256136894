import { HttpError, sendJson } from '../http.ts';
import { BUILT_IN_ROLES, GUID, key, type ArmResource } from './state.ts';
import { UNHANDLED, type ArmHandled, type ArmRequest } from './request.ts';

/** Microsoft.Authorization: built-in role definitions and role assignments (PrincipalNotFound while a new principal replicates, RoleAssignmentExists). */
export async function handleAuthorization(rq: ArmRequest): Promise<ArmHandled> {
  const { res, url, path, method, body } = rq;
  const { state, tenantId } = rq.arm;
  let m: RegExpMatchArray | null;

  // Role definitions (built-in only)
  m = path.match(
    /^(.*)\/providers\/Microsoft\.Authorization\/roleDefinitions(?:\/([^/]+))?$/i,
  );
  if (m) {
    const [, scope, roleId] = m;
    const subscription = scope.match(/^\/subscriptions\/[^/]+/i)?.[0] ?? '';
    const asResource = (roleName: string, guid: string) => ({
      id: `${subscription}/providers/Microsoft.Authorization/roleDefinitions/${guid}`,
      name: guid,
      type: 'Microsoft.Authorization/roleDefinitions',
      properties: {
        roleName,
        type: 'BuiltInRole',
        description: roleName,
        assignableScopes: ['/'],
        permissions: [],
      },
    });
    if (roleId) {
      const entry = Object.entries(BUILT_IN_ROLES).find(
        ([, g]) => g === roleId.toLowerCase(),
      );
      if (!entry)
        throw new HttpError(
          404,
          'RoleDefinitionDoesNotExist',
          `The specified role definition with ID '${roleId}' does not exist.`,
        );
      return sendJson(res, 200, asResource(entry[0], entry[1]));
    }
    const filter = url.searchParams.get('$filter');
    const byName = filter?.match(/^roleName eq '(.+)'$/);
    if (filter && !byName)
      throw new HttpError(
        400,
        'BadRequest',
        `Unsupported $filter '${filter}'.`,
      );
    const value = Object.entries(BUILT_IN_ROLES)
      .filter(([n]) => !byName || n === byName[1])
      .map(([n, g]) => asResource(n, g));
    return sendJson(res, 200, { value });
  }

  // Role assignments
  m = path.match(
    /^(.*)\/providers\/Microsoft\.Authorization\/roleAssignments(?:\/([^/]+))?$/i,
  );
  if (m) {
    const [, scope, name] = m;
    const type = 'Microsoft.Authorization/roleAssignments';
    const all = () =>
      [...state.resources.values()].filter(
        r => r.type === type && key(r.properties.scope) === key(scope),
      );
    if (!name) {
      if (method !== 'GET')
        throw new HttpError(405, 'MethodNotAllowed', 'Method not allowed.');
      // Documented: the list holds the assignments at, above and below the scope (so at a subscription, all of
      // them); `atScope()` only those at or above it; `principalId eq` only that principal's.
      const filter = url.searchParams.get('$filter');
      const principal = filter?.match(/^principalId eq '([^']+)'$/)?.[1];
      const atScope = filter === 'atScope()';
      if (filter && !principal && !atScope)
        throw new HttpError(
          400,
          'UnsupportedQuery',
          `Unsupported $filter '${filter}'.`,
        );
      const s = key(scope);
      const value = [...state.resources.values()].filter(r => {
        if (r.type !== type) return false;
        if (principal && r.properties.principalId !== principal) return false;
        const at = key(r.properties.scope);
        const above = at === s || s.startsWith(`${at}/`);
        return above || (!atScope && at.startsWith(`${s}/`));
      });
      return sendJson(res, 200, { value });
    }
    if (!GUID.test(name)) {
      throw new HttpError(
        400,
        'InvalidRoleAssignmentId',
        `The role assignment ID '${name}' is not valid. The role assignment ID must be a GUID.`,
      );
    }
    const id = `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`;
    const existing = state.resources.get(key(id));
    if (method === 'GET') {
      if (!existing)
        throw new HttpError(
          404,
          'RoleAssignmentNotFound',
          `The role assignment '${name}' is not found.`,
        );
      return sendJson(res, 200, existing);
    }
    if (method === 'DELETE') {
      state.resources.delete(key(id));
      return sendJson(res, existing ? 200 : 204, existing);
    }
    if (method !== 'PUT')
      throw new HttpError(405, 'MethodNotAllowed', 'Method not allowed.');
    const props = body().properties ?? {};
    const roleGuid = String(props.roleDefinitionId ?? '')
      .match(/\/roleDefinitions\/([^/]+)$/i)?.[1]
      ?.toLowerCase();
    if (!roleGuid || !Object.values(BUILT_IN_ROLES).includes(roleGuid)) {
      throw new HttpError(
        400,
        'RoleDefinitionDoesNotExist',
        `The specified role definition with ID '${props.roleDefinitionId}' does not exist.`,
      );
    }
    const storageScope = scope.match(/\/providers\/Microsoft\.Storage\//i);
    if (storageScope && !state.resources.has(key(scope))) {
      throw new HttpError(
        404,
        'ResourceNotFound',
        `The scope '${scope}' does not exist.`,
      );
    }
    const knownFrom = state.principals.get(props.principalId);
    if (knownFrom === undefined || knownFrom > Date.now()) {
      throw new HttpError(
        400,
        'PrincipalNotFound',
        `Principal ${String(props.principalId).replace(
          /-/g,
          '',
        )} does not exist in the directory ${tenantId}. Check that you have the correct principal ID. If you are creating this principal and then immediately assigning a role, this error might be related to a replication delay.`,
      );
    }
    const wanted = {
      roleDefinitionId: props.roleDefinitionId,
      principalId: props.principalId,
      scope,
    };
    if (existing) {
      const same =
        existing.properties.principalId === wanted.principalId &&
        key(existing.properties.roleDefinitionId) ===
          key(wanted.roleDefinitionId);
      if (!same) {
        throw new HttpError(
          400,
          'RoleAssignmentUpdateNotPermitted',
          'Tenant ID, application ID, principal ID, and scope are not allowed to be updated.',
        );
      }
      return sendJson(res, 201, existing);
    }
    const twin = all().find(
      r =>
        r.properties.principalId === wanted.principalId &&
        key(r.properties.roleDefinitionId).endsWith(roleGuid),
    );
    if (twin)
      throw new HttpError(
        409,
        'RoleAssignmentExists',
        'The role assignment already exists.',
      );
    const resource: ArmResource = {
      id,
      name,
      type,
      properties: {
        ...wanted,
        ...(typeof props.description === 'string'
          ? { description: props.description }
          : {}),
        principalType: props.principalType ?? 'ServicePrincipal',
        createdOn: new Date().toISOString(),
      },
    };
    state.resources.set(key(id), resource);
    return sendJson(res, 201, resource);
  }

  return UNHANDLED;
}
