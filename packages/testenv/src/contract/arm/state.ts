import { HttpError } from '../http.ts';

/* The ARM contract server's state, and the rules every resource provider applies. */

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

export const MAX_FEDERATED_CREDENTIALS = 20;
export const GUID =
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface ArmResource {
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

export interface State {
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

export const newState = (): State => ({
  resources: new Map(),
  principals: new Map(),
  ficLocks: new Map(),
  throttles: [],
  poolAccounts: new Map(),
});

export const key = (id: string) => id.toLowerCase().replace(/\/+$/, '');

/** ARM's rule for tag names (every resource type): none of < > % & \ ? /, at most 512 characters. */
export function checkTags(tags: unknown): Record<string, string> | undefined {
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
export function checkMetadata(metadata: Record<string, unknown>) {
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

export function notFound(type: string, name: string): HttpError {
  return new HttpError(
    404,
    'ResourceNotFound',
    `The Resource '${type}/${name}' was not found.`,
  );
}

export function checkApiVersion(provider: string, apiVersion: string | null) {
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
