import { randomUUID } from 'node:crypto';
import { HttpError, sendJson, sleep } from '../http.ts';
import {
  MAX_FEDERATED_CREDENTIALS,
  checkTags,
  key,
  notFound,
  type ArmResource,
} from './state.ts';
import { UNHANDLED, type ArmHandled, type ArmRequest } from './request.ts';

/** Microsoft.ManagedIdentity: user-assigned identities and their federated identity credentials. */
export async function handleManagedIdentity(
  rq: ArmRequest,
): Promise<ArmHandled> {
  const { res, path, method, body } = rq;
  const { state, list, requireParent, principalDelayMs, ficWriteMs, tenantId } =
    rq.arm;
  let m: RegExpMatchArray | null;

  // Federated identity credentials
  m = path.match(
    /^(\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/([^/]+))\/federatedIdentityCredentials(?:\/([^/]+))?$/i,
  );
  if (m) {
    const [, identityId, identityName, ficName] = m;
    requireParent(
      identityId,
      'Microsoft.ManagedIdentity/userAssignedIdentities',
      identityName,
    );
    const type =
      'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials';
    if (!ficName) {
      if (method !== 'GET')
        throw new HttpError(405, 'MethodNotAllowed', 'Method not allowed.');
      return sendJson(res, 200, {
        value: list(`${identityId}/federatedIdentityCredentials`, type),
      });
    }
    const id = `${identityId}/federatedIdentityCredentials/${ficName}`;
    const existing = state.resources.get(key(id));
    if (method === 'GET') {
      if (!existing) throw notFound(type, `${identityName}/${ficName}`);
      return sendJson(res, 200, existing);
    }
    if (method === 'DELETE') {
      state.resources.delete(key(id));
      return sendJson(res, existing ? 200 : 204, undefined);
    }
    if (method !== 'PUT')
      throw new HttpError(405, 'MethodNotAllowed', 'Method not allowed.');
    const props = body().properties ?? {};
    if (typeof props.issuer !== 'string' || !/^https:\/\//.test(props.issuer)) {
      throw new HttpError(
        400,
        'BadRequest',
        'Issuer must be a valid https URL.',
      );
    }
    if (typeof props.subject !== 'string' || !props.subject)
      throw new HttpError(400, 'BadRequest', 'Subject is required.');
    if (!Array.isArray(props.audiences) || props.audiences.length !== 1) {
      throw new HttpError(
        400,
        'BadRequest',
        'Audiences must contain exactly one value.',
      );
    }
    const lockKey = key(identityId);
    if ((state.ficLocks.get(lockKey) ?? 0) > Date.now()) {
      throw new HttpError(
        409,
        'ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity',
        'Too many Federated Identity Credentials are written concurrently for the managed identity. Retry the writes one at a time.',
      );
    }
    state.ficLocks.set(lockKey, Date.now() + ficWriteMs);
    try {
      await sleep(ficWriteMs);
      const siblings = list(
        `${identityId}/federatedIdentityCredentials`,
        type,
      ).filter(r => r.name !== ficName);
      const duplicate = siblings.find(
        r =>
          r.properties.issuer === props.issuer &&
          r.properties.subject === props.subject,
      );
      if (duplicate) {
        throw new HttpError(
          400,
          'BadRequest',
          `FederatedIdentityCredential with issuer '${props.issuer}' and subject '${props.subject}' already exists on '${duplicate.name}'.`,
        );
      }
      if (!existing && siblings.length >= MAX_FEDERATED_CREDENTIALS) {
        throw new HttpError(
          400,
          'BadRequest',
          `The managed identity already has the maximum of ${MAX_FEDERATED_CREDENTIALS} federated identity credentials.`,
        );
      }
      const resource: ArmResource = {
        id,
        name: ficName,
        type,
        properties: {
          issuer: props.issuer,
          subject: props.subject,
          audiences: props.audiences,
        },
      };
      state.resources.set(key(id), resource);
      return sendJson(res, existing ? 200 : 201, resource);
    } finally {
      state.ficLocks.delete(lockKey);
    }
  }

  // User-assigned identities
  m = path.match(
    /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities(?:\/([^/]+))?$/i,
  );
  if (m) {
    const [, , , name] = m;
    const type = 'Microsoft.ManagedIdentity/userAssignedIdentities';
    if (!name) return sendJson(res, 200, { value: list(path, type) });
    if (!/^[a-zA-Z0-9][a-zA-Z0-9_-]{2,127}$/.test(name)) {
      throw new HttpError(
        400,
        'InvalidResourceName',
        `Resource name ${name} is invalid. The name can be 3-128 characters long and contain letters, digits, '-' and '_'.`,
      );
    }
    const existing = state.resources.get(key(path));
    if (method === 'GET') {
      if (!existing) throw notFound(type, name);
      return sendJson(res, 200, existing);
    }
    if (method === 'DELETE') {
      for (const k of [...state.resources.keys()])
        if (k === key(path) || k.startsWith(`${key(path)}/`))
          state.resources.delete(k);
      return sendJson(res, existing ? 200 : 204, undefined);
    }
    if (method !== 'PUT' && method !== 'PATCH')
      throw new HttpError(405, 'MethodNotAllowed', 'Method not allowed.');
    const b = body();
    if (!existing && !b.location)
      throw new HttpError(
        400,
        'LocationRequired',
        'The location property is required for this definition.',
      );
    const resource: ArmResource = existing
      ? { ...existing, tags: checkTags(b.tags) ?? existing.tags }
      : {
          id: path,
          name,
          type,
          location: String(b.location).toLowerCase().replace(/\s+/g, ''),
          tags: checkTags(b.tags) ?? {},
          properties: {
            tenantId,
            principalId: randomUUID(),
            clientId: randomUUID(),
            isolationScope: 'None',
          },
        };
    if (!existing)
      state.principals.set(
        resource.properties.principalId,
        Date.now() + principalDelayMs,
      );
    state.resources.set(key(path), resource);
    return sendJson(res, existing ? 200 : 201, resource);
  }

  return UNHANDLED;
}
