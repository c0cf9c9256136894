import type { Config } from '@backstage/config';
import type { TokenCredential } from '@azure/core-auth';
import {
  ClientSecretCredential,
  DefaultAzureCredential,
} from '@azure/identity';
import { ManagedServiceIdentityClient } from '@azure/arm-msi';
import { AuthorizationManagementClient } from '@azure/arm-authorization';
import { StorageManagementClient } from '@azure/arm-storage';
import { ContainerServiceClient } from '@azure/arm-containerservice';
import { ContainerClient } from '@azure/storage-blob';
import { InputError } from '@backstage/errors';
import type { z as zod } from 'zod/v3';
import { decommissionInput, requireDeployment } from './markers';
import { assertResourceGroup } from './validation';

/** The `subscriptionId` input of every Azure action. */
export const subscriptionIdInput = (z: typeof zod) =>
  z
    .string()
    .optional()
    .describe('Subscription; default collate.azure.subscriptionId');

/** Azure clients built from `collate.azure` config (see config.d.ts). */
export interface AzureClients {
  defaultSubscriptionId?: string;
  msi(subscriptionId: string): ManagedServiceIdentityClient;
  authorization(subscriptionId: string): AuthorizationManagementClient;
  storage(subscriptionId: string): StorageManagementClient;
  containerService(subscriptionId: string): ContainerServiceClient;
  /**
   * A blob container's data plane (`<blob endpoint><container>`), as the portal's own Azure identity: reading its
   * blobs needs Storage Blob Data Reader on it.
   */
  blobContainer(url: string): ContainerClient;
}

export function createAzureClients(config: Config): AzureClients {
  const azure = config.getOptionalConfig('collate.azure');
  const endpoint = (
    azure?.getOptionalString('resourceManagerEndpoint') ??
    'https://management.azure.com'
  ).replace(/\/+$/, '');
  const authorityHost = azure?.getOptionalString('authorityHost');
  const tenantId = azure?.getOptionalString('tenantId');
  const clientId = azure?.getOptionalString('clientId');
  const clientSecret = azure?.getOptionalString('clientSecret');

  let credential: TokenCredential | undefined;
  const getCredential = (): TokenCredential => {
    if (!credential) {
      credential =
        tenantId && clientId && clientSecret
          ? new ClientSecretCredential(tenantId, clientId, clientSecret, {
              ...(authorityHost
                ? { authorityHost, disableInstanceDiscovery: true }
                : {}),
            })
          : new DefaultAzureCredential(authorityHost ? { authorityHost } : {});
    }
    return credential;
  };
  const options = { endpoint, credentialScopes: [`${endpoint}/.default`] };
  return {
    defaultSubscriptionId: azure?.getOptionalString('subscriptionId'),
    msi: s => new ManagedServiceIdentityClient(getCredential(), s, options),
    authorization: s =>
      new AuthorizationManagementClient(getCredential(), s, options),
    storage: s => new StorageManagementClient(getCredential(), s, options),
    containerService: s =>
      new ContainerServiceClient(getCredential(), s, options),
    blobContainer: url => new ContainerClient(url, getCredential()),
  };
}

export function resolveSubscription(
  clients: AzureClients,
  input?: string,
): string {
  const subscriptionId = input ?? clients.defaultSubscriptionId;
  if (
    subscriptionId &&
    !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(
      subscriptionId,
    )
  ) {
    throw new InputError(
      `Invalid input 'subscriptionId': '${subscriptionId}' must be a subscription GUID`,
    );
  }
  if (!subscriptionId) {
    throw new InputError(
      "Invalid input 'subscriptionId': not given, and collate.azure.subscriptionId is not configured",
    );
  }
  return subscriptionId;
}

/** The HTTP status of an Azure SDK RestError, if it is one. */
export function azureStatus(error: unknown): number | undefined {
  return (error as { statusCode?: number })?.statusCode;
}

export function azureCode(error: unknown): string | undefined {
  return (error as { code?: string })?.code;
}

/** Reads a resource; undefined on 404. */
export async function getOrUndefined<T>(
  read: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (azureStatus(error) === 404) return undefined;
    throw error;
  }
}

/**
 * Collects a paged Azure list. With `notFoundAsEmpty` (used in dry-runs, where the parent may be something an
 * earlier step would create), a 404 reads as an empty list.
 */
export async function listAll<T>(
  pages: AsyncIterable<T>,
  options: { notFoundAsEmpty?: boolean } = {},
): Promise<T[]> {
  const items: T[] = [];
  try {
    for await (const item of pages) items.push(item);
  } catch (error) {
    if (!(options.notFoundAsEmpty && azureStatus(error) === 404)) throw error;
  }
  return items;
}

/** The inputs every Azure decommission action takes: whose resources, and where. */
export const azureDecommissionInputs = (resourceGroup: string) => ({
  deployment: decommissionInput,
  subscriptionId: subscriptionIdInput,
  resourceGroup: (z: typeof zod) => z.string().describe(resourceGroup),
});

/**
 * What an Azure decommission action works on, checked before anything is read: the deployment whose marker it
 * deletes, the resource group, and the subscription (input or configured).
 */
export function decommissionScope(
  clients: AzureClients,
  input: {
    deployment?: string;
    resourceGroup: string;
    subscriptionId?: string;
  },
) {
  const deployment = requireDeployment(input.deployment);
  assertResourceGroup('resourceGroup', input.resourceGroup);
  return {
    deployment,
    resourceGroup: input.resourceGroup,
    subscriptionId: resolveSubscription(clients, input.subscriptionId),
  };
}
