// A managed identity endpoint as App Service and Azure Functions serve it to their processes (the documented
// contract azure-identity's ManagedIdentityCredential reads from IDENTITY_ENDPOINT and IDENTITY_HEADER:
// `GET ?api-version=2019-08-01&resource=…` with the `X-IDENTITY-HEADER` secret, answering `access_token`,
// `expires_on`, `resource`, `token_type`). Entra ID cannot run here; this hands out v1 Azure Storage tokens shaped
// as Entra issues them (issuer sts.windows.net/<tenant>/, audience https://storage.azure.com), which the test
// environment's OAuth Azurite accepts. It is what DefaultAzureCredential finds for a Metaflow user in the tests.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes, randomUUID } from 'node:crypto';
import {
  createJwtSigningKey,
  sendJson,
  signJwtRs256,
  type RecordedCall,
} from './http.ts';

export interface IdentityEndpoint {
  /** The environment a process needs to find it: `IDENTITY_ENDPOINT` and `IDENTITY_HEADER`. */
  readonly env: { IDENTITY_ENDPOINT: string; IDENTITY_HEADER: string };
  readonly calls: RecordedCall[];
  close(): Promise<void>;
}

const STORAGE = 'https://storage.azure.com';

export async function startIdentityEndpoint(
  options: { tenantId?: string } = {},
): Promise<IdentityEndpoint> {
  const tenantId = options.tenantId ?? randomUUID();
  const objectId = randomUUID();
  const secret = randomBytes(16).toString('hex');
  const key = createJwtSigningKey();
  const calls: RecordedCall[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const answer = (status: number, body: unknown) => {
      calls.push({
        method: req.method ?? '',
        path: url.pathname,
        status,
        at: Date.now(),
      });
      sendJson(res, status, body);
    };
    if (req.headers['x-identity-header'] !== secret)
      return answer(401, { error: 'X-IDENTITY-HEADER missing or wrong' });
    if (url.searchParams.get('api-version') !== '2019-08-01')
      return answer(400, { error: 'api-version must be 2019-08-01' });
    const resource = (url.searchParams.get('resource') ?? '').replace(
      /\/(\.default)?$/,
      '',
    );
    if (resource !== STORAGE)
      return answer(400, {
        error: `this endpoint only hands out tokens for ${STORAGE}`,
      });
    const now = Math.floor(Date.now() / 1000);
    const expires = now + 3600;
    const token = signJwtRs256(
      {
        aud: STORAGE,
        iss: `https://sts.windows.net/${tenantId}/`,
        tid: tenantId,
        oid: objectId,
        iat: now,
        nbf: now,
        exp: expires,
        ver: '1.0',
      },
      key,
    );
    return answer(200, {
      access_token: token,
      expires_on: String(expires),
      resource: STORAGE,
      token_type: 'Bearer',
      client_id: objectId,
    });
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    env: {
      IDENTITY_ENDPOINT: `http://127.0.0.1:${port}/msi/token`,
      IDENTITY_HEADER: secret,
    },
    calls,
    close: () =>
      new Promise<void>(r => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
