import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  type AzureClients,
  getOrUndefined,
  resolveSubscription,
  subscriptionIdInput,
} from '../../lib/azure';
import { logChange, type PlannedChange } from '../../lib/plan';
import {
  assertDeployment,
  AZURE_CONTAINER_MARKER,
  AZURE_DEPLOYMENT_TAG,
  deploymentInput,
  adoptInput,
  claimExisting,
  ownsExisting,
} from '../../lib/markers';
import {
  assertAzureLocation,
  assertContainerName,
  assertResourceGroup,
  assertStorageAccountName,
} from '../../lib/validation';
import { examples } from './storageEnsure.examples';
import { withDefaults } from '../../lib/defaults';

/** Guide 000: the Argo artifact container is argo-workflows. */
export const STORAGE_DEFAULTS = {
  sku: 'Standard_LRS' as const,
  containerName: 'argo-workflows',
};

/**
 * `collate:azure:storage:ensure`: the storage account and blob container for Argo artifacts (guide 000: account
 * `collate`, container `argo-workflows`). New accounts get TLS 1.2 and no public blob access.
 * @public
 */
export function createAzureStorageEnsureAction(options: {
  azure: AzureClients;
}) {
  return createTemplateAction({
    id: 'collate:azure:storage:ensure',
    description:
      'Ensures a storage account and a blob container exist; outputs the blob endpoint and the container id (the scope for role assignments).',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        subscriptionId: subscriptionIdInput,
        resourceGroup: z =>
          z.string().describe('Resource group of the account'),
        accountName: z =>
          z
            .string()
            .describe(
              'Storage account name (3-24 lowercase letters and digits; guide: collate)',
            ),
        location: z => z.string().describe('Azure location, e.g. westeurope'),
        sku: z =>
          z
            .enum([
              'Standard_LRS',
              'Standard_ZRS',
              'Standard_GRS',
              'Standard_RAGRS',
              'Premium_LRS',
            ])
            .default(STORAGE_DEFAULTS.sku)
            .describe('SKU for a new account'),
        containerName: z =>
          z
            .string()
            .default(STORAGE_DEFAULTS.containerName)
            .describe('Blob container (guide: argo-workflows)'),
        deployment: deploymentInput,
        adopt: adoptInput,
      },
      output: {
        owned: z =>
          z
            .boolean()
            .describe(
              `Whether the storage account carries the deployment's ${AZURE_DEPLOYMENT_TAG} tag (created for it); false for an adopted account`,
            ),
        containerOwned: z =>
          z
            .boolean()
            .describe(
              `Whether the container carries the deployment's ${AZURE_CONTAINER_MARKER} metadata (created for it)`,
            ),
        accountId: z =>
          z.string().describe('Resource id of the storage account'),
        blobEndpoint: z =>
          z
            .string()
            .describe(
              'Primary blob endpoint, e.g. https://collate.blob.core.windows.net/',
            ),
        containerName: z => z.string().describe('The blob container'),
        containerId: z =>
          z
            .string()
            .describe(
              'Resource id of the container: the scope for Storage Blob Data roles',
            ),
      },
    },
    async handler(ctx) {
      const { resourceGroup, accountName, location, sku, containerName } =
        withDefaults(ctx.input, STORAGE_DEFAULTS);
      const { deployment } = ctx.input;
      assertDeployment(deployment);
      assertResourceGroup('resourceGroup', resourceGroup);
      assertStorageAccountName('accountName', accountName);
      assertAzureLocation('location', location);
      assertContainerName('containerName', containerName);
      const subscriptionId = resolveSubscription(
        options.azure,
        ctx.input.subscriptionId,
      );
      const storage = options.azure.storage(subscriptionId);
      const accountId = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Storage/storageAccounts/${accountName}`;
      const containerId = `${accountId}/blobServices/default/containers/${containerName}`;
      const dryRun = Boolean(ctx.isDryRun);

      const readAccount = () =>
        getOrUndefined(() =>
          storage.storageAccounts.getProperties(resourceGroup, accountName),
        );
      let account = await readAccount();
      if (!account) {
        const availability =
          await storage.storageAccounts.checkNameAvailability({
            name: accountName,
            type: 'Microsoft.Storage/storageAccounts',
          });
        // Taken meanwhile: another run of the same deployment may have created it here since it was read.
        if (!availability.nameAvailable) account = await readAccount();
        if (!availability.nameAvailable && !account) {
          throw new Error(
            `Storage account name ${accountName} is not available: ${
              availability.message ?? availability.reason
            }`,
          );
        }
      }
      const accountChange: PlannedChange = {
        action: account ? 'unchanged' : 'create',
        resource: `Microsoft.Storage/storageAccounts/${accountName}`,
      };
      logChange(ctx.logger, accountChange, dryRun);
      const owned = account
        ? claimExisting(
            ctx.logger,
            `storage account ${accountName}`,
            deployment,
            account.tags?.[AZURE_DEPLOYMENT_TAG],
            ctx.input.adopt ?? false,
          )
        : Boolean(deployment);
      let blobEndpoint =
        account?.primaryEndpoints?.blob ??
        `https://${accountName}.blob.core.windows.net/`;
      if (!account && !dryRun) {
        blobEndpoint = await ctx.checkpoint({
          key: `azure.storage.account.${subscriptionId}.${resourceGroup}.${accountName}`,
          fn: async () => {
            const created = await storage.storageAccounts.beginCreateAndWait(
              resourceGroup,
              accountName,
              {
                location,
                kind: 'StorageV2',
                sku: { name: sku },
                minimumTlsVersion: 'TLS1_2',
                allowBlobPublicAccess: false,
                enableHttpsTrafficOnly: true,
                ...(deployment
                  ? { tags: { [AZURE_DEPLOYMENT_TAG]: deployment } }
                  : {}),
              },
            );
            return created.primaryEndpoints?.blob ?? blobEndpoint;
          },
        });
      }

      const container = account
        ? await getOrUndefined(() =>
            storage.blobContainers.get(
              resourceGroup,
              accountName,
              containerName,
            ),
          )
        : undefined;
      const containerChange: PlannedChange = {
        action: container ? 'unchanged' : 'create',
        resource: `Microsoft.Storage/storageAccounts/${accountName}/blobServices/default/containers/${containerName}`,
      };
      logChange(ctx.logger, containerChange, dryRun);
      const containerOwned = container
        ? ownsExisting(
            ctx.logger,
            `blob container ${containerName}`,
            deployment,
            container.metadata?.[AZURE_CONTAINER_MARKER],
          )
        : Boolean(deployment);
      if (!container && !dryRun) {
        await ctx.checkpoint({
          key: `azure.storage.container.${subscriptionId}.${resourceGroup}.${accountName}.${containerName}`,
          fn: async () => {
            await storage.blobContainers.create(
              resourceGroup,
              accountName,
              containerName,
              {
                publicAccess: 'None',
                ...(deployment
                  ? { metadata: { [AZURE_CONTAINER_MARKER]: deployment } }
                  : {}),
              },
            );
          },
        });
      }
      ctx.output('owned', owned);
      ctx.output('containerOwned', containerOwned);
      ctx.output('accountId', account?.id ?? accountId);
      ctx.output('blobEndpoint', blobEndpoint);
      ctx.output('containerName', containerName);
      ctx.output('containerId', container?.id ?? containerId);
    },
  });
}
