import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { bearerToken, HttpError, sendJson, verifyJwtRs256 } from '../http.ts';
import type { IdentityPlatform } from './identityPlatform.ts';

/** A vault's secrets: every version of each, by lower-case name. */
export type VaultSecrets = Map<
  string,
  Array<{ id: string; value: string; attributes: Record<string, unknown> }>
>;

/**
 * Key Vault's secrets data plane: `{vaultUri}secrets/{name}[/{version}]`, with Key Vault's challenge-based bearer
 * auth (an unauthenticated request gets 401 naming the authority and the resource to get a token for).
 */
export function handleSecrets(
  idp: Pick<IdentityPlatform, 'baseUrl' | 'tenantId' | 'signingKey'>,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  bodyText: string,
  secrets: VaultSecrets,
  vaultUri: string,
) {
  const { baseUrl, tenantId, signingKey } = idp;
  const token = bearerToken(req);
  if (!token || !verifyJwtRs256(token, signingKey)) {
    throw new HttpError(
      401,
      'Unauthorized',
      'AKV10000: Request is missing a Bearer or PoP token.',
      {
        'www-authenticate': `Bearer authorization="${baseUrl}/${tenantId}", resource="https://vault.azure.net"`,
      },
    );
  }
  if (!url.searchParams.get('api-version'))
    throw new HttpError(
      400,
      'BadParameter',
      'The api-version query parameter is missing.',
    );
  // `GET /secrets/{name}/` (no version) means the latest version.
  const m = url.pathname.match(/^\/secrets\/([^/]+)(?:\/([^/]*))?$/i);
  if (!m) throw new HttpError(404, 'NotFound', 'Not found.');
  const [, name, version] = m;
  if (!/^[0-9a-zA-Z-]{1,127}$/.test(name))
    throw new HttpError(400, 'BadParameter', 'The secret name is invalid.');
  const versions = secrets.get(name.toLowerCase()) ?? [];
  secrets.set(name.toLowerCase(), versions);
  if (req.method === 'PUT') {
    const body = JSON.parse(bodyText || '{}');
    if (typeof body.value !== 'string')
      throw new HttpError(400, 'BadParameter', 'The secret value is required.');
    const now = Math.floor(Date.now() / 1000);
    const entry = {
      id: `${vaultUri}secrets/${name}/${randomUUID().replace(/-/g, '')}`,
      value: body.value,
      attributes: { enabled: true, created: now, updated: now },
    };
    versions.push(entry);
    return sendJson(res, 200, entry);
  }
  if (req.method === 'GET') {
    const entry = version
      ? versions.find(v => v.id.endsWith(`/${version}`))
      : versions.at(-1);
    if (!entry)
      throw new HttpError(
        404,
        'SecretNotFound',
        `A secret with (name/id) ${name} was not found in this key vault.`,
      );
    return sendJson(res, 200, entry);
  }
  throw new HttpError(405, 'MethodNotAllowed', 'Method not allowed.');
}
