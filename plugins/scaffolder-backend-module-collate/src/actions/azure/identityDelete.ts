import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { ManagedServiceIdentityClient } from '@azure/arm-msi';
import {
  type AzureClients,
  azureStatus,
  listAll,
  decommissionScope,
  azureDecommissionInputs,
} from '../../lib/azure';
import { AZURE_DEPLOYMENT_TAG } from '../../lib/markers';
import { examples } from './identityDelete.examples';
import { nameList } from '../../lib/schema';

/** A delete that finds nothing is done: a second run, or another run, got there first. */
export const gone = (error: unknown) => {
  if (azureStatus(error) !== 404) throw error;
};

/** The managed identities of a resource group that carry the deployment's tag, by name. */
export async function deploymentIdentities(
  msi: ManagedServiceIdentityClient,
  resourceGroup: string,
  deployment: string,
) {
  const all = await listAll(
    msi.userAssignedIdentities.listByResourceGroup(resourceGroup),
    { notFoundAsEmpty: true },
  );
  return all
    .filter(i => i.tags?.[AZURE_DEPLOYMENT_TAG] === deployment)
    .sort((a, b) => a.name!.localeCompare(b.name!));
}

/**
 * `collate:azure:identity:delete`: deletes the user-assigned managed identities a deployment created (its
 * `collate.io_deployment` tag) in a resource group, their federated credentials first; an identity it adopted carries
 * no marker and stays, with every credential on it.
 * @public
 */
export function createAzureIdentityDeleteAction(options: {
  azure: AzureClients;
}) {
  return createTemplateAction({
    id: 'collate:azure:identity:delete',
    description: `Decommission: deletes the managed identities of a resource group tagged ${AZURE_DEPLOYMENT_TAG}=<deployment>, each one's federated credentials first. Run collate:azure:role:delete-assignments before it, so that no role assignment is left naming a deleted identity. Identities without the marker are never touched. Idempotent; dry-run lists the identities and credentials.`,
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        ...azureDecommissionInputs('Resource group of the identities'),
      },
      output: {
        identities: nameList(
          'The identities deleted (in dry-run: that would be)',
        ),
        federatedCredentials: nameList(
          'Their federated credentials, as <identity>/<credential>',
        ),
      },
    },
    async handler(ctx) {
      const { deployment, resourceGroup, subscriptionId } = decommissionScope(
        options.azure,
        ctx.input,
      );
      const msi = options.azure.msi(subscriptionId);
      const verb = ctx.isDryRun ? 'would delete' : 'deleting';

      const identities = await deploymentIdentities(
        msi,
        resourceGroup,
        deployment,
      );
      if (identities.length === 0)
        ctx.logger.info(
          `no managed identity in ${resourceGroup} carries ${AZURE_DEPLOYMENT_TAG}=${deployment}: nothing to delete`,
        );
      const credentials: string[] = [];
      for (const identity of identities) {
        const name = identity.name!;
        const federated = await listAll(
          msi.federatedIdentityCredentials.list(resourceGroup, name),
          { notFoundAsEmpty: true },
        );
        for (const credential of federated) {
          ctx.logger.info(
            `${verb} federated credential ${credential.name} of ${name} (${credential.subject})`,
          );
          credentials.push(`${name}/${credential.name}`);
          if (!ctx.isDryRun)
            await msi.federatedIdentityCredentials
              .delete(resourceGroup, name, credential.name!)
              .catch(gone);
        }
        ctx.logger.info(
          `${verb} managed identity ${name} (client id ${identity.clientId})`,
        );
        if (!ctx.isDryRun)
          await msi.userAssignedIdentities
            .delete(resourceGroup, name)
            .catch(gone);
      }
      ctx.output(
        'identities',
        identities.map(i => i.name!),
      );
      ctx.output('federatedCredentials', credentials);
    },
  });
}
