import { HttpError, sendJson } from '../http.ts';
import {
  checkMetadata,
  checkTags,
  key,
  notFound,
  type ArmResource,
} from './state.ts';
import { UNHANDLED, type ArmHandled, type ArmRequest } from './request.ts';

/** Microsoft.Storage: name availability, storage accounts and blob containers (the data plane on Azurite when configured). */
export async function handleStorage(rq: ArmRequest): Promise<ArmHandled> {
  const { res, path, method, body } = rq;
  const { state, list, requireParent, blobEndpoint, dataPlaneContainer } =
    rq.arm;
  const dataPlane = rq.arm.options.blobDataPlane;
  let m: RegExpMatchArray | null;

  // Storage: name availability
  m = path.match(
    /^\/subscriptions\/([^/]+)\/providers\/Microsoft\.Storage\/checkNameAvailability$/i,
  );
  if (m && method === 'POST') {
    const name = String(body().name ?? '');
    const taken = [...state.resources.values()].some(
      r => r.type === 'Microsoft.Storage/storageAccounts' && r.name === name,
    );
    const valid = /^[a-z0-9]{3,24}$/.test(name);
    return sendJson(
      res,
      200,
      valid
        ? {
            nameAvailable: !taken,
            ...(taken
              ? {
                  reason: 'AlreadyExists',
                  message: `The storage account named ${name} is already taken.`,
                }
              : {}),
          }
        : {
            nameAvailable: false,
            reason: 'AccountNameInvalid',
            message: `${name} is not a valid storage account name. Storage account name must be between 3 and 24 characters in length and use numbers and lower-case letters only.`,
          },
    );
  }

  // Blob containers
  m = path.match(
    /^(\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Storage\/storageAccounts\/([^/]+))\/blobServices\/default\/containers(?:\/([^/]+))?$/i,
  );
  if (m) {
    const [, accountId, accountName, name] = m;
    requireParent(accountId, 'Microsoft.Storage/storageAccounts', accountName);
    const type = 'Microsoft.Storage/storageAccounts/blobServices/containers';
    if (!name)
      return sendJson(res, 200, {
        value: list(`${accountId}/blobServices/default/containers`, type),
      });
    if (!/^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(name)) {
      throw new HttpError(
        400,
        'ContainerOperationFailure',
        'The specifed resource name contains invalid characters.',
      );
    }
    const id = `${accountId}/blobServices/default/containers/${name}`;
    const existing = state.resources.get(key(id));
    if (method === 'GET') {
      if (!existing)
        throw new HttpError(
          404,
          'ContainerNotFound',
          'The specified container does not exist.',
        );
      return sendJson(res, 200, existing);
    }
    if (method === 'DELETE') {
      if (existing && dataPlane)
        await dataPlaneContainer(accountName, name).deleteIfExists();
      state.resources.delete(key(id));
      return sendJson(res, existing ? 200 : 204, undefined);
    }
    if (method !== 'PUT' && method !== 'PATCH')
      throw new HttpError(405, 'MethodNotAllowed', 'Method not allowed.');
    const props = body().properties ?? {};
    if (!existing && dataPlane) {
      // A new container is empty, whatever an earlier test run left in the pool account.
      const container = dataPlaneContainer(accountName, name);
      await container.createIfNotExists();
      for await (const blob of container.listBlobsFlat())
        await container.deleteBlob(blob.name, {
          deleteSnapshots: 'include',
        });
    }
    const resource: ArmResource = {
      id,
      name,
      type,
      properties: {
        ...(props.metadata ? { metadata: checkMetadata(props.metadata) } : {}),
        publicAccess: props.publicAccess ?? 'None',
        lastModifiedTime: new Date().toISOString(),
        deleted: false,
      },
    };
    state.resources.set(
      key(id),
      existing
        ? {
            ...existing,
            properties: { ...existing.properties, ...resource.properties },
          }
        : resource,
    );
    return sendJson(res, existing ? 200 : 201, state.resources.get(key(id)));
  }

  // Storage accounts
  m = path.match(
    /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Storage\/storageAccounts(?:\/([^/]+))?$/i,
  );
  if (m) {
    const [, , , name] = m;
    const type = 'Microsoft.Storage/storageAccounts';
    if (!name) return sendJson(res, 200, { value: list(path, type) });
    const existing = state.resources.get(key(path));
    if (method === 'GET') {
      if (!existing) throw notFound(type, name);
      return sendJson(res, 200, existing);
    }
    if (method === 'DELETE') {
      for (const [k, r] of [...state.resources.entries()]) {
        if (k !== key(path) && !k.startsWith(`${key(path)}/`)) continue;
        if (dataPlane && r.type === `${type}/blobServices/containers`)
          await dataPlaneContainer(name, r.name).deleteIfExists();
        state.resources.delete(k);
      }
      return sendJson(res, existing ? 200 : 204, undefined);
    }
    if (method !== 'PUT' && method !== 'PATCH')
      throw new HttpError(405, 'MethodNotAllowed', 'Method not allowed.');
    if (!/^[a-z0-9]{3,24}$/.test(name)) {
      throw new HttpError(
        400,
        'AccountNameInvalid',
        `${name} is not a valid storage account name. Storage account name must be between 3 and 24 characters in length and use numbers and lower-case letters only.`,
      );
    }
    const elsewhere = [...state.resources.values()].find(
      r => r.type === type && r.name === name && key(r.id) !== key(path),
    );
    if (elsewhere)
      throw new HttpError(
        409,
        'StorageAccountAlreadyTaken',
        `The storage account named ${name} is already taken.`,
      );
    const b = body();
    if (!existing && (!b.location || !b.sku?.name || !b.kind)) {
      throw new HttpError(
        400,
        'InvalidRequestContent',
        'location, sku.name and kind are required to create a storage account.',
      );
    }
    const resource: ArmResource = existing
      ? {
          ...existing,
          tags: checkTags(b.tags) ?? existing.tags,
          properties: { ...existing.properties, ...(b.properties ?? {}) },
        }
      : {
          id: path,
          name,
          type,
          location: String(b.location).toLowerCase(),
          kind: b.kind,
          tags: checkTags(b.tags) ?? {},
          sku: {
            name: b.sku.name,
            tier: String(b.sku.name).startsWith('Premium')
              ? 'Premium'
              : 'Standard',
          },
          properties: {
            ...(b.properties ?? {}),
            provisioningState: 'Succeeded',
            creationTime: new Date().toISOString(),
            primaryEndpoints: { blob: blobEndpoint(name) },
            primaryLocation: String(b.location).toLowerCase(),
            statusOfPrimary: 'available',
          },
        };
    state.resources.set(key(path), resource);
    return sendJson(res, 200, resource);
  }

  return UNHANDLED;
}
