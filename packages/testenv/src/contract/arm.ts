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
// resource that accepts only v1 (issuer https://sts.windows.net/<tenant>/): Azurite's OAuth mode accepts those.
// HTTPS only: the Azure SDK refuses to send bearer tokens over plain HTTP.
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
  sleep,
  verifyJwtRs256,
  type RecordedCall,
} from './http.ts';

/** Built-in role definitions (their GUIDs are the same in every Azure tenant). */
export const BUILT_IN_ROLES: Record<string, string> = {
  'Storage Blob Data Contributor': 'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
  'Storage Blob Data Reader': '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1',
  'Storage Blob Data Owner': 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
  'Key Vault Secrets Officer': 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7',
  'Key Vault Secrets User': '4633458b-17de-408a-b874-0445c86b69e6',
  Contributor: 'b24988ac-6180-42a0-ab88-20f7382dd24c',
  Reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
};

/** The oldest api-version of each resource provider that has every property this contract models. */
const MIN_API_VERSION: Record<string, string> = {
  'microsoft.managedidentity': '2023-01-31', // federatedIdentityCredentials GA
  'microsoft.authorization': '2022-04-01', // principalType on role assignments, roleDefinitions filter
  'microsoft.storage': '2023-01-01',
  'microsoft.containerservice': '2023-01-01', // securityProfile.workloadIdentity GA
  'microsoft.keyvault': '2023-02-01', // enableRbacAuthorization
};

const MAX_FEDERATED_CREDENTIALS = 20;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface ArmContractOptions {
  /** PEM certificate and key for HTTPS. */
  tls: { cert: string | Buffer; key: string | Buffer };
  port?: number;
  host?: string;
  tenantId?: string;
  /** Object id of the app registration's service principal (the `oid` of its tokens). Default random. */
  servicePrincipalObjectId?: string;
  /** How long a new identity's principal is unknown to role assignment. Default 0. */
  principalReplicationDelayMs?: number;
  /** How long one federated-credential write holds its identity (others get 409 meanwhile). Default 50. */
  federatedCredentialWriteMs?: number;
  /**
   * A blob data plane (the OAuth Azurite of the test environment) behind the storage accounts: the n-th account
   * created gets the n-th pool account (from `first`) as its blob endpoint, and each container ARM creates or deletes
   * is created (empty) or deleted there too, as one storage service would. Without it the blob endpoint is
   * `https://<name>.blob.core.windows.net/`, which nothing here answers.
   */
  blobDataPlane?: { url: string; accounts: string[]; first?: number };
}

export interface SeedManagedCluster {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location?: string;
  kubernetesVersion?: string;
  oidcIssuerEnabled?: boolean;
  workloadIdentityEnabled?: boolean;
  agentPools?: Array<{ name: string; count: number; vmSize: string }>;
}

export interface ArmContractServer {
  url: string;
  tenantId: string;
  /** A client-credentials app registration that may call ARM. */
  clientId: string;
  clientSecret: string;
  /** Its service principal's object id: the `oid` claim of every token issued for it. */
  servicePrincipalObjectId: string;
  /** Every request, in order (token requests included). */
  calls: RecordedCall[];
  /** ARM requests that change something (PUT/PATCH/DELETE/POST other than reads). */
  mutatingCalls(): RecordedCall[];
  /**
   * The next `times` requests whose path matches (and method, when given) get 429 with
   * `Retry-After: retryAfterSeconds`.
   */
  throttle(
    path: RegExp,
    times: number,
    retryAfterSeconds?: number,
    method?: string,
  ): void;
  /**
   * The next `times` requests whose method and path match fail as ARM fails them (status, error code, message), for
   * faults that ARM otherwise only shows under concurrency or load.
   */
  failNext(fault: {
    method: string;
    path: RegExp;
    times: number;
    status: number;
    code: string;
    message?: string;
  }): void;
  setPrincipalReplicationDelay(ms: number): void;
  seedManagedCluster(cluster: SeedManagedCluster): void;
  /** Backstage's `collate.azure` config that points the actions' Azure SDK clients at this server. */
  backstageConfig(subscriptionId: string): {
    subscriptionId: string;
    tenantId: string;
    clientId: string;
    clientSecret: string;
    authorityHost: string;
    resourceManagerEndpoint: string;
  };
  /** A stored resource by id (case-insensitive), for assertions. */
  resource(id: string): ArmResource | undefined;
  /** Every stored resource of a type (case-insensitive), for counting what a run left behind. */
  resourcesOfType(type: string): ArmResource[];
  reset(): void;
  close(): Promise<void>;
}

interface ArmResource {
  id: string;
  name: string;
  type: string;
  location?: string;
  tags?: Record<string, string>;
  properties: Record<string, any>;
  sku?: Record<string, unknown>;
  kind?: string;
  [key: string]: unknown;
}

interface State {
  resources: Map<string, ArmResource>;
  /** principalId → time from which role assignment knows it. */
  principals: Map<string, number>;
  /** identity id → time until which a federated-credential write holds it. */
  ficLocks: Map<string, number>;
  throttles: Array<{
    path: RegExp;
    remaining: number;
    retryAfter: number;
    method?: string;
    /** Another documented failure instead of 429. */
    status?: number;
    code?: string;
    message?: string;
  }>;
  /** storage account name → the data-plane pool account serving it. */
  poolAccounts: Map<string, string>;
}

const newState = (): State => ({
  resources: new Map(),
  principals: new Map(),
  ficLocks: new Map(),
  throttles: [],
  poolAccounts: new Map(),
});

const key = (id: string) => id.toLowerCase().replace(/\/+$/, '');

/** ARM's rule for tag names (every resource type): none of < > % & \ ? /, at most 512 characters. */
function checkTags(tags: unknown): Record<string, string> | undefined {
  if (tags === undefined || tags === null) return undefined;
  for (const name of Object.keys(tags as object)) {
    if (/[<>%&\\?/]/.test(name) || name.length > 512) {
      throw new HttpError(
        400,
        'InvalidTagNameCharacters',
        `The tag names '${name}' have reserved characters '<,>,%,&,\\,?,/' or control characters.`,
      );
    }
  }
  return tags as Record<string, string>;
}

/** Blob container metadata names are C# identifiers (Azure Storage's rule). */
function checkMetadata(metadata: Record<string, unknown>) {
  for (const name of Object.keys(metadata)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new HttpError(
        400,
        'InvalidMetadata',
        `The metadata specified is invalid. It has characters that are not permitted: '${name}'.`,
      );
    }
  }
  return metadata;
}

function notFound(type: string, name: string): HttpError {
  return new HttpError(
    404,
    'ResourceNotFound',
    `The Resource '${type}/${name}' was not found.`,
  );
}

function checkApiVersion(provider: string, apiVersion: string | null) {
  if (!apiVersion) {
    throw new HttpError(
      400,
      'MissingApiVersionParameter',
      'The api-version query parameter (?api-version=) is required for all requests.',
    );
  }
  const min = MIN_API_VERSION[provider];
  if (
    !/^\d{4}-\d{2}-\d{2}(-preview)?$/.test(apiVersion) ||
    (min && apiVersion.slice(0, 10) < min)
  ) {
    throw new HttpError(
      400,
      'InvalidApiVersionParameter',
      `The api-version '${apiVersion}' is invalid. The supported versions are '${min}' and later.`,
    );
  }
}

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

  // ---- Entra ID (token endpoint for ClientSecretCredential with authorityHost = this server) ----
  function handleIdentityPlatform(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    body: string,
  ): boolean {
    const wellKnown = path.match(
      /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/i,
    );
    if (wellKnown && req.method === 'GET') {
      const t = wellKnown[1];
      sendJson(res, 200, {
        issuer: `${baseUrl}/${t}/v2.0`,
        authorization_endpoint: `${baseUrl}/${t}/oauth2/v2.0/authorize`,
        token_endpoint: `${baseUrl}/${t}/oauth2/v2.0/token`,
        end_session_endpoint: `${baseUrl}/${t}/oauth2/v2.0/logout`,
        jwks_uri: `${baseUrl}/${t}/discovery/v2.0/keys`,
        response_types_supported: ['code', 'id_token', 'token id_token'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['RS256'],
        token_endpoint_auth_methods_supported: [
          'client_secret_post',
          'client_secret_basic',
        ],
        scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      });
      return true;
    }
    const keys = path.match(/^\/([^/]+)\/discovery\/v2\.0\/keys$/i);
    if (keys && req.method === 'GET') {
      sendJson(res, 200, { keys: [signingKey.jwk] });
      return true;
    }
    const token = path.match(/^\/([^/]+)\/oauth2\/v2\.0\/token$/i);
    if (token && req.method === 'POST') {
      const form = new URLSearchParams(body);
      if (token[1] !== tenantId) {
        sendJson(res, 400, {
          error: 'invalid_request',
          error_description: `AADSTS90002: Tenant '${token[1]}' not found.`,
        });
      } else if (form.get('grant_type') !== 'client_credentials') {
        sendJson(res, 400, {
          error: 'unsupported_grant_type',
          error_description:
            'AADSTS70003: only client_credentials is supported here.',
        });
      } else if (
        form.get('client_id') !== clientId ||
        form.get('client_secret') !== clientSecret
      ) {
        sendJson(res, 401, {
          error: 'invalid_client',
          error_description: 'AADSTS7000215: Invalid client secret provided.',
        });
      } else {
        const now = Math.floor(Date.now() / 1000);
        // The audience is the resource of the requested scope: `https://management.azure.com/.default` for ARM,
        // `6dae42f8-4368-4678-94ff-3960e28e3630/.default` for an AKS cluster's API server.
        const scope =
          form.get('scope') ?? 'https://management.azure.com/.default';
        const resource = scope.split(' ')[0].replace(/\/\.default$/, '');
        const storage =
          /^https:\/\/(storage\.azure\.com|[^/]+\.blob\.core\.windows\.net)$/.test(
            resource,
          );
        const accessToken = signJwtRs256(
          {
            aud: resource,
            iss: storage
              ? `https://sts.windows.net/${tenantId}/`
              : `${baseUrl}/${tenantId}/v2.0`,
            tid: tenantId,
            appid: clientId,
            azp: clientId,
            oid: servicePrincipalObjectId,
            sub: servicePrincipalObjectId,
            iat: now,
            nbf: now,
            exp: now + 3600,
            ver: storage ? '1.0' : '2.0',
          },
          signingKey,
        );
        sendJson(res, 200, {
          token_type: 'Bearer',
          expires_in: 3599,
          ext_expires_in: 3599,
          access_token: accessToken,
        });
      }
      return true;
    }
    return false;
  }

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
      if (
        typeof props.issuer !== 'string' ||
        !/^https:\/\//.test(props.issuer)
      ) {
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
      requireParent(
        accountId,
        'Microsoft.Storage/storageAccounts',
        accountName,
      );
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
          ...(props.metadata
            ? { metadata: checkMetadata(props.metadata) }
            : {}),
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

    // Key Vaults (management plane): the scope of Key Vault Secrets Officer assignments (guide 002)
    m = path.match(
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
          enableRbacAuthorization:
            b.properties?.enableRbacAuthorization ?? true,
          vaultUri: await startVaultHost(name),
          provisioningState: 'Succeeded',
        },
      };
      state.resources.set(key(path), resource);
      return sendJson(res, existing ? 200 : 201, resource);
    }

    // AKS managed clusters
    m = path.match(
      /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.ContainerService\/managedClusters\/([^/]+)$/i,
    );
    if (m) {
      const [, , , name] = m;
      const type = 'Microsoft.ContainerService/managedClusters';
      const existing = state.resources.get(key(path));
      if (!existing) throw notFound(type, name);
      if (method === 'GET') return sendJson(res, 200, existing);
      if (method !== 'PUT' && method !== 'PATCH')
        throw new HttpError(405, 'MethodNotAllowed', 'Method not allowed.');
      const props = body().properties ?? {};
      const oidc =
        props.oidcIssuerProfile?.enabled ??
        existing.properties.oidcIssuerProfile.enabled;
      const wi =
        props.securityProfile?.workloadIdentity?.enabled ??
        existing.properties.securityProfile.workloadIdentity.enabled;
      if (existing.properties.oidcIssuerProfile.enabled && oidc === false) {
        throw new HttpError(
          400,
          'BadRequest',
          'OIDC issuer feature cannot be disabled once it has been enabled.',
        );
      }
      if (wi && !oidc) {
        throw new HttpError(
          400,
          'BadRequest',
          'Enabling workload identity requires enabling OIDC issuer feature.',
        );
      }
      existing.properties.oidcIssuerProfile = {
        enabled: oidc,
        ...(oidc
          ? {
              issuerURL:
                existing.properties.oidcIssuerProfile.issuerURL ??
                `https://${
                  existing.location
                }.oic.prod-aks.azure.com/${tenantId}/${randomUUID()}/`,
            }
          : {}),
      };
      existing.properties.securityProfile = {
        ...existing.properties.securityProfile,
        workloadIdentity: { enabled: wi },
      };
      return sendJson(res, 200, existing);
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
    const secrets = new Map<
      string,
      Array<{ id: string; value: string; attributes: Record<string, unknown> }>
    >();
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
            handleSecrets(req, res, url, bodyText, secrets, vaultUri);
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

  function handleSecrets(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    bodyText: string,
    secrets: Map<
      string,
      Array<{ id: string; value: string; attributes: Record<string, unknown> }>
    >,
    vaultUri: string,
  ) {
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
        throw new HttpError(
          400,
          'BadParameter',
          'The secret value is required.',
        );
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
      if (handleIdentityPlatform(req, res, url.pathname, body)) return;
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
