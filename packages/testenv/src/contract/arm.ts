// A contract server for the parts of Azure Resource Manager (and its Entra ID token endpoint) that the Collate
// actions use. No runnable ARM exists, so this follows the documented REST contract: paths (case-insensitive, as
// ARM's are), api-versions, status codes, error bodies `{ error: { code, message } }`, and the failure modes the
// guides and SDK docs describe:
//   - 429 with Retry-After (throttling), switchable per path;
//   - PrincipalNotFound for a while after an identity is created (directory replication delay);
//   - 409 ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity for parallel credential writes;
//   - 400 for a duplicate issuer+subject on one identity, and for a 21st federated credential;
//   - 409 RoleAssignmentExists when the same principal/role/scope exists under another assignment name;
//   - 400 InvalidTagNameCharacters for a tag name with one of < > % & \ ? / (so `collate.io/deployment`, the
//     Kubernetes and AWS marker, cannot be an Azure tag).
// Tokens for Azure Storage (scope https://storage.azure.com/.default) are v1 tokens, as Entra issues them for a
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes, randomUUID } from 'node:crypto';
import { ContainerClient } from '@azure/storage-blob';
import {
  HttpError,
  bearerToken,
  readBody,
  createJwtSigningKey,
  sendJson,
  signJwtRs256,
  verifyJwtRs256,
  type RecordedCall,
} from './http.ts';
import { handleAuthorization } from './arm/authorization.ts';
import { handleContainerService } from './arm/containerService.ts';
import {
  handleIdentityPlatform,
  type IdentityPlatform,
} from './arm/identityPlatform.ts';
import { handleKeyVault } from './arm/keyVault.ts';
import { handleSecrets, type VaultSecrets } from './arm/keyVaultSecrets.ts';
import { handleManagedIdentity } from './arm/managedIdentity.ts';
import { UNHANDLED, type ArmContext, type ArmRequest } from './arm/request.ts';
import {
  checkApiVersion,
  key,
  newState,
  notFound,
  type ArmResource,
} from './arm/state.ts';
import { handleStorage } from './arm/storage.ts';
import type { ArmContractOptions, ArmContractServer } from './arm/types.ts';

export { BUILT_IN_ROLES } from './arm/state.ts';
export type {
  ArmContractOptions,
  ArmContractServer,
  SeedManagedCluster,
} from './arm/types.ts';

/** The resource providers, each answering its own paths. */
const PROVIDERS = [
  handleManagedIdentity,
  handleAuthorization,
  handleStorage,
  handleKeyVault,
  handleContainerService,
];

export async function startArmContractServer(
  options: ArmContractOptions,
): Promise<ArmContractServer> {
  const tenantId = options.tenantId ?? randomUUID();
  const clientId = randomUUID();
  const clientSecret = randomBytes(24).toString('base64url');
  // Entra signs with RS256 and publishes its keys, so other servers (an AKS API server) can verify its tokens.
  const signingKey = createJwtSigningKey();
  const servicePrincipalObjectId =
    options.servicePrincipalObjectId ?? randomUUID();
  let principalDelayMs = options.principalReplicationDelayMs ?? 0;
  const ficWriteMs = options.federatedCredentialWriteMs ?? 50;
  let state = newState();
  const dataPlane = options.blobDataPlane;
  const blobEndpoint = (name: string) => {
    if (!dataPlane) return `https://${name}.blob.core.windows.net/`;
    let account = state.poolAccounts.get(name);
    if (!account) {
      account =
        dataPlane.accounts[
          ((dataPlane.first ?? 0) + state.poolAccounts.size) %
            dataPlane.accounts.length
        ];
      state.poolAccounts.set(name, account);
    }
    return `${dataPlane.url.replace(/\/$/, '')}/${account}/`;
  };
  /** The data-plane container of an ARM container, called with a storage token this server signs for itself. */
  const dataPlaneContainer = (accountName: string, container: string) => {
    const now = Math.floor(Date.now() / 1000);
    const token = signJwtRs256(
      {
        aud: 'https://storage.azure.com',
        iss: `https://sts.windows.net/${tenantId}/`,
        tid: tenantId,
        oid: servicePrincipalObjectId,
        iat: now,
        nbf: now,
        exp: now + 600,
        ver: '1.0',
      },
      signingKey,
    );
    return new ContainerClient(`${blobEndpoint(accountName)}${container}`, {
      getToken: async () => ({
        token,
        expiresOnTimestamp: (now + 600) * 1000,
      }),
    });
  };
  const calls: RecordedCall[] = [];
  let baseUrl = '';

  // ---- ARM ----
  /** Audiences ARM accepts: its public resource ids, and this server's URL (clients scoped to the endpoint). */
  function armAudiences() {
    return [
      'https://management.azure.com',
      'https://management.core.windows.net',
      baseUrl,
    ];
  }

  function authenticate(req: IncomingMessage) {
    const token = bearerToken(req);
    if (!token) {
      throw new HttpError(
        401,
        'AuthenticationFailed',
        "Authentication failed. The 'Authorization' header is missing.",
        {
          'www-authenticate': `Bearer authorization_uri="${baseUrl}/${tenantId}", error="invalid_token"`,
        },
      );
    }
    const claims = verifyJwtRs256(token, signingKey);
    if (
      !claims ||
      claims.tid !== tenantId ||
      !armAudiences().includes(String(claims.aud).replace(/\/$/, ''))
    ) {
      throw new HttpError(
        401,
        'InvalidAuthenticationToken',
        'The access token is invalid.',
        {
          'www-authenticate': `Bearer authorization_uri="${baseUrl}/${tenantId}", error="invalid_token"`,
        },
      );
    }
  }

  function list(prefix: string, type: string): ArmResource[] {
    const p = `${key(prefix)}/`;
    return [...state.resources.entries()]
      .filter(
        ([id, r]) =>
          id.startsWith(p) &&
          r.type.toLowerCase() === type.toLowerCase() &&
          !id.slice(p.length).includes('/'),
      )
      .map(([, r]) => r);
  }

  function requireParent(id: string, type: string, name: string) {
    if (!state.resources.has(key(id))) throw notFound(type, name);
  }

  const identityPlatform = (): IdentityPlatform => ({
    baseUrl,
    tenantId,
    clientId,
    clientSecret,
    servicePrincipalObjectId,
    signingKey,
  });

  const context: ArmContext = {
    get state() {
      return state;
    },
    calls,
    get baseUrl() {
      return baseUrl;
    },
    tenantId,
    servicePrincipalObjectId,
    options,
    get principalDelayMs() {
      return principalDelayMs;
    },
    ficWriteMs,
    list,
    requireParent,
    blobEndpoint,
    dataPlaneContainer,
    startVaultHost,
  };

  async function handleArm(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    bodyText: string,
  ) {
    authenticate(req);
    const path = url.pathname.replace(/\/+$/, '');
    const method = req.method ?? 'GET';
    // The api-version belongs to the provider of the addressed resource: the last `/providers/` segment
    // (a role assignment on a storage container is a Microsoft.Authorization call).
    const providers = [
      ...path.matchAll(/\/providers\/(Microsoft\.[A-Za-z]+)(?=\/)/gi),
    ];
    const provider = providers.at(-1)?.[1];
    if (provider)
      checkApiVersion(
        provider.toLowerCase(),
        url.searchParams.get('api-version'),
      );
    const body = () => {
      try {
        return bodyText ? (JSON.parse(bodyText) as Record<string, any>) : {};
      } catch {
        throw new HttpError(
          400,
          'InvalidRequestContent',
          'The request content was invalid and could not be deserialized.',
        );
      }
    };
    const rq: ArmRequest = { req, res, url, path, method, body, arm: context };
    for (const handler of PROVIDERS) {
      if ((await handler(rq)) !== UNHANDLED) return;
    }

    throw new HttpError(
      404,
      'InvalidResourceType',
      `The resource type could not be found for path '${path}'.`,
    );
  }

  // ---- Key Vault secrets (data plane): {vaultUri}secrets/{name}[/{version}], with Key Vault's challenge-based
  // bearer auth: an unauthenticated request gets 401 naming the authority and the resource to get a token for.
  const vaultHosts: Server[] = [];

  async function startVaultHost(vaultName: string): Promise<string> {
    const secrets: VaultSecrets = new Map();
    let vaultUri = '';
    const host = createServer(
      { cert: options.tls.cert, key: options.tls.key },
      (req, res) => {
        void readBody(req).then(bodyText => {
          const url = new URL(req.url ?? '/', vaultUri);
          calls.push({
            method: req.method ?? 'GET',
            path: `vault:${vaultName}${url.pathname}`,
            status: 0,
            at: Date.now(),
          });
          try {
            handleSecrets(
              identityPlatform(),
              req,
              res,
              url,
              bodyText,
              secrets,
              vaultUri,
            );
          } catch (error) {
            const e =
              error instanceof HttpError
                ? error
                : new HttpError(500, 'InternalServerError', String(error));
            sendJson(
              res,
              e.status,
              { error: { code: e.code, message: e.message } },
              e.headers,
            );
          }
          calls[calls.length - 1].status = res.statusCode;
        });
      },
    );
    await new Promise<void>(resolve =>
      host.listen(0, options.host ?? '127.0.0.1', resolve),
    );
    vaultHosts.push(host);
    vaultUri = `https://127.0.0.1:${(host.address() as AddressInfo).port}/`;
    return vaultUri;
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    // SDKs build `{endpoint}/{scope}` with a scope that starts with '/': ARM accepts the doubled slash, and a
    // leading '//' must not be read as a protocol-relative host.
    const url = new URL((req.url ?? '/').replace(/^\/{2,}/, '/'), baseUrl);
    const call: RecordedCall = {
      method: req.method ?? 'GET',
      path: url.pathname,
      status: 0,
      at: Date.now(),
    };
    calls.push(call);
    const end = res.end.bind(res);
    res.end = ((...args: Parameters<ServerResponse['end']>) => {
      call.status = res.statusCode;
      return end(...args);
    }) as ServerResponse['end'];
    try {
      const throttle = state.throttles.find(
        t =>
          t.remaining > 0 &&
          t.path.test(url.pathname) &&
          (!t.method || t.method === req.method),
      );
      if (throttle) {
        throttle.remaining -= 1;
        if (throttle.status)
          throw new HttpError(
            throttle.status,
            throttle.code!,
            throttle.message ?? throttle.code!,
          );
        throw new HttpError(
          429,
          'TooManyRequests',
          'The request is being throttled.',
          { 'retry-after': String(throttle.retryAfter) },
        );
      }
      const body = await readBody(req);
      if (
        handleIdentityPlatform(identityPlatform(), req, res, url.pathname, body)
      )
        return;
      await handleArm(req, res, url, body);
    } catch (error) {
      if (error instanceof HttpError) {
        sendJson(
          res,
          error.status,
          { error: { code: error.code, message: error.message } },
          error.headers,
        );
      } else {
        sendJson(res, 500, {
          error: { code: 'InternalServerError', message: String(error) },
        });
      }
    }
  }

  const server: Server = createServer(
    { cert: options.tls.cert, key: options.tls.key },
    (req, res) => {
      void handle(req, res);
    },
  );
  await new Promise<void>(resolve =>
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve),
  );
  const { port } = server.address() as AddressInfo;
  baseUrl = `https://127.0.0.1:${port}`;

  return {
    url: baseUrl,
    tenantId,
    clientId,
    clientSecret,
    servicePrincipalObjectId,
    calls,
    mutatingCalls: () =>
      calls.filter(
        c =>
          ['PUT', 'PATCH', 'DELETE', 'POST'].includes(c.method) &&
          !/\/oauth2\/v2\.0\/token$|\/checkNameAvailability$/i.test(c.path) &&
          c.status < 400,
      ),
    throttle(path, times, retryAfterSeconds = 1, method) {
      state.throttles.push({
        path,
        remaining: times,
        retryAfter: retryAfterSeconds,
        method,
      });
    },
    failNext(fault) {
      state.throttles.push({
        path: fault.path,
        method: fault.method,
        remaining: fault.times,
        retryAfter: 0,
        status: fault.status,
        code: fault.code,
        message: fault.message,
      });
    },
    setPrincipalReplicationDelay(ms) {
      principalDelayMs = ms;
    },
    seedManagedCluster(c) {
      const id = `/subscriptions/${c.subscriptionId}/resourceGroups/${c.resourceGroup}/providers/Microsoft.ContainerService/managedClusters/${c.name}`;
      const location = c.location ?? 'westeurope';
      state.resources.set(key(id), {
        id,
        name: c.name,
        type: 'Microsoft.ContainerService/managedClusters',
        location,
        properties: {
          provisioningState: 'Succeeded',
          kubernetesVersion: c.kubernetesVersion ?? '1.33.2',
          currentKubernetesVersion: c.kubernetesVersion ?? '1.33.2',
          dnsPrefix: c.name,
          oidcIssuerProfile: c.oidcIssuerEnabled
            ? {
                enabled: true,
                issuerURL: `https://${location}.oic.prod-aks.azure.com/${tenantId}/${randomUUID()}/`,
              }
            : { enabled: false },
          securityProfile: {
            workloadIdentity: { enabled: Boolean(c.workloadIdentityEnabled) },
          },
          agentPoolProfiles: (
            c.agentPools ?? [
              { name: 'nodepool1', count: 3, vmSize: 'Standard_D4s_v5' },
            ]
          ).map(p => ({ ...p, mode: 'System', osType: 'Linux' })),
        },
      });
    },
    backstageConfig: subscriptionId => ({
      subscriptionId,
      tenantId,
      clientId,
      clientSecret,
      authorityHost: baseUrl,
      resourceManagerEndpoint: baseUrl,
    }),
    resource: id => state.resources.get(key(id)),
    resourcesOfType: type =>
      [...state.resources.values()].filter(
        r => r.type.toLowerCase() === type.toLowerCase(),
      ),
    reset() {
      state = newState();
      calls.length = 0;
    },
    close: async () => {
      await Promise.all(
        vaultHosts.map(
          h => new Promise<void>(resolve => h.close(() => resolve())),
        ),
      );
      await new Promise<void>((resolve, reject) =>
        server.close(e => (e ? reject(e) : resolve())),
      );
    },
  };
}
