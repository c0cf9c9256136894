import { HttpError, sendJson } from '../http.ts';
import { key, notFound, type ArmResource } from './state.ts';
import { UNHANDLED, type ArmHandled, type ArmRequest } from './request.ts';

/** Microsoft.KeyVault (management plane): vaults, the scope of Key Vault Secrets Officer assignments (guide 002); each vault gets a data-plane host. */
export async function handleKeyVault(rq: ArmRequest): Promise<ArmHandled> {
  const { res, path, method, body } = rq;
  const { state, startVaultHost, tenantId } = rq.arm;
  // Key Vaults (management plane): the scope of Key Vault Secrets Officer assignments (guide 002)
  const m = path.match(
    /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.KeyVault\/vaults\/([^/]+)$/i,
  );
  if (m) {
    const [, , , name] = m;
    const type = 'Microsoft.KeyVault/vaults';
    const existing = state.resources.get(key(path));
    if (method === 'GET') {
      if (!existing) throw notFound(type, name);
      return sendJson(res, 200, existing);
    }
    if (method !== 'PUT')
      throw new HttpError(405, 'MethodNotAllowed', 'Method not allowed.');
    if (
      !/^[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/.test(name) ||
      name.includes('--')
    ) {
      throw new HttpError(
        400,
        'VaultNameNotValid',
        `The vault name '${name}' is invalid: 3-24 letters, digits and single hyphens, starting with a letter.`,
      );
    }
    const b = body();
    // A vault is a host of its own (https://<name>.vault.azure.net/): here, a listener on its own port.
    const resource: ArmResource = existing ?? {
      id: path,
      name,
      type,
      location: String(b.location ?? 'westeurope').toLowerCase(),
      properties: {
        tenantId,
        sku: b.properties?.sku ?? { family: 'A', name: 'standard' },
        enableRbacAuthorization: b.properties?.enableRbacAuthorization ?? true,
        vaultUri: await startVaultHost(name),
        provisioningState: 'Succeeded',
      },
    };
    state.resources.set(key(path), resource);
    return sendJson(res, existing ? 200 : 201, resource);
  }

  return UNHANDLED;
}
