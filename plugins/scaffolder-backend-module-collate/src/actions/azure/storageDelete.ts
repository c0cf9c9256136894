import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { BlobContainer, StorageAccount } from '@azure/arm-storage';
import {
  type AzureClients,
  azureCode,
  azureStatus,
  listAll,
  decommissionScope,
  azureDecommissionInputs,
} from '../../lib/azure';
import {
  AZURE_CONTAINER_MARKER,
  AZURE_DEPLOYMENT_TAG,
} from '../../lib/markers';
import { gone } from './identityDelete';
import { examples } from './storageDelete.examples';
import { nameList } from '../../lib/schema';

/**
 * `collate:azure:storage:delete`: deletes what a deployment created for Argo's artifacts: a storage account carrying
 * its tag (with its containers), or, in an account it adopted, the containers carrying its metadata. Only when empty,
 * read from the blob data plane as the portal's identity, unless forced.
 * @public
 */
export function createAzureStorageDeleteAction(options: {
  azure: AzureClients;
}) {
  return createTemplateAction({
    id: 'collate:azure:storage:delete',
    description: `Decommission: deletes the storage accounts of a resource group tagged ${AZURE_DEPLOYMENT_TAG}=<deployment>, and in the accounts it adopted the blob containers with metadata ${AZURE_CONTAINER_MARKER}=<deployment>, when their containers hold no blob; one that does is kept and said so, unless force is set. Reading the blobs needs Storage Blob Data Reader for the portal's identity. Idempotent; dry-run says what would be deleted.`,
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        ...azureDecommissionInputs('Resource group of the storage account'),
        force: z =>
          z
            .boolean()
            .default(false)
            .describe(
              'Delete what still holds blobs, with its blobs (Argo artifacts, logs)',
            ),
      },
      output: {
        accounts: nameList(
          'Storage accounts deleted (in dry-run: that would be)',
        ),
        containers: nameList(
          'Containers deleted from accounts the deployment adopted, as <account>/<container>',
        ),
        kept: nameList(
          "The deployment's accounts or containers kept because they hold blobs",
        ),
      },
    },
    async handler(ctx) {
      const { deployment, resourceGroup, subscriptionId } = decommissionScope(
        options.azure,
        ctx.input,
      );
      const force = ctx.input.force ?? false;
      const storage = options.azure.storage(subscriptionId);
      const verb = ctx.isDryRun ? 'would delete' : 'deleting';

      /** A few blob names of a container, or none: read from its data plane. */
      const blobsIn = async (account: StorageAccount, container: string) => {
        const url = `${account.primaryEndpoints!.blob}${container}`;
        try {
          const page = await options.azure
            .blobContainer(url)
            .listBlobsFlat()
            .byPage({ maxPageSize: 5 })
            .next();
          const items: Array<{ name: string }> = page.done
            ? []
            : page.value.segment.blobItems;
          return items.map(b => b.name);
        } catch (error) {
          if (azureStatus(error) === 404) return [];
          throw new Error(
            `cannot tell whether blob container ${
              account.name
            }/${container} is empty (${
              azureCode(error) ?? azureStatus(error) ?? String(error)
            }): grant the portal's Azure identity Storage Blob Data Reader on it, or set force to delete it with whatever it holds`,
          );
        }
      };
      const describeBlobs = (names: string[]) =>
        `${names.slice(0, 4).join(', ')}${names.length > 4 ? ', …' : ''}`;

      const accounts = await listAll(
        storage.storageAccounts.listByResourceGroup(resourceGroup),
        { notFoundAsEmpty: true },
      );
      const deletedAccounts: string[] = [];
      const deletedContainers: string[] = [];
      const kept: string[] = [];
      for (const account of accounts.sort((a, b) =>
        a.name!.localeCompare(b.name!),
      )) {
        const name = account.name!;
        const owned = account.tags?.[AZURE_DEPLOYMENT_TAG] === deployment;
        const containers: BlobContainer[] = await listAll(
          storage.blobContainers.list(resourceGroup, name),
          { notFoundAsEmpty: true },
        );
        const candidates = owned
          ? containers
          : containers.filter(
              c => c.metadata?.[AZURE_CONTAINER_MARKER] === deployment,
            );
        const holding = new Map<string, string[]>();
        for (const container of candidates) {
          const blobs = force ? [] : await blobsIn(account, container.name!);
          if (blobs.length > 0) holding.set(container.name!, blobs);
        }
        if (owned) {
          if (holding.size > 0) {
            ctx.logger.info(
              `kept: storage account ${name} has blobs in ${[...holding]
                .map(([c, blobs]) => `${c} (${describeBlobs(blobs)})`)
                .join('; ')}; set force to delete it with them`,
            );
            kept.push(name);
            continue;
          }
          ctx.logger.info(
            `${verb} storage account ${name}${
              containers.length
                ? ` with its containers ${containers
                    .map(c => c.name)
                    .join(', ')}`
                : ''
            }`,
          );
          deletedAccounts.push(name);
          if (!ctx.isDryRun)
            await storage.storageAccounts
              .delete(resourceGroup, name)
              .catch(gone);
          continue;
        }
        for (const container of candidates) {
          const label = `${name}/${container.name}`;
          const blobs = holding.get(container.name!);
          if (blobs) {
            ctx.logger.info(
              `kept: blob container ${label} holds blobs (${describeBlobs(
                blobs,
              )}); set force to delete it with them`,
            );
            kept.push(label);
            continue;
          }
          ctx.logger.info(
            `${verb} blob container ${label} (storage account ${name} was adopted: kept)`,
          );
          deletedContainers.push(label);
          if (!ctx.isDryRun)
            await storage.blobContainers
              .delete(resourceGroup, name, container.name!)
              .catch(gone);
        }
      }
      if (deletedAccounts.length + deletedContainers.length + kept.length === 0)
        ctx.logger.info(
          `no storage account or container in ${resourceGroup} carries the marker of ${deployment}: nothing to delete`,
        );
      ctx.output('accounts', deletedAccounts);
      ctx.output('containers', deletedContainers);
      ctx.output('kept', kept);
    },
  });
}
