import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  type AzureClients,
  listAll,
  decommissionScope,
  azureDecommissionInputs,
} from '../../lib/azure';
import { roleAssignmentMarker } from '../../lib/markers';
import { deploymentIdentities, gone } from './identityDelete';
import { examples } from './roleDeleteAssignments.examples';
import { nameList } from '../../lib/schema';

/**
 * `collate:azure:role:delete-assignments`: deletes the role assignments a deployment made (its marker in their
 * description), and every role assignment of an identity it created, which would otherwise outlive the identity
 * ("Identity not found" in the portal). Assignments it found already in place, of identities it adopted, stay.
 * @public
 */
export function createAzureRoleDeleteAssignmentsAction(options: {
  azure: AzureClients;
}) {
  return createTemplateAction({
    id: 'collate:azure:role:delete-assignments',
    description: `Decommission: deletes, across the subscription, the role assignments whose description is ${roleAssignmentMarker(
      '<deployment>',
    )} (made by collate:azure:role:assign for that deployment) and every role assignment of a managed identity the deployment created in the resource group. Run it before collate:azure:identity:delete. Idempotent; dry-run lists each assignment with its role and scope.`,
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        ...azureDecommissionInputs(
          "Resource group of the deployment's managed identities",
        ),
      },
      output: {
        assignments: nameList(
          'Resource ids of the role assignments deleted (in dry-run: that would be)',
        ),
      },
    },
    async handler(ctx) {
      const { deployment, resourceGroup, subscriptionId } = decommissionScope(
        options.azure,
        ctx.input,
      );
      const auth = options.azure.authorization(subscriptionId);
      const identities = await deploymentIdentities(
        options.azure.msi(subscriptionId),
        resourceGroup,
        deployment,
      );
      const identityOf = new Map(
        identities.map(i => [i.principalId!, i.name!]),
      );

      // Every assignment in the subscription (at, above and below it); ARM has no filter on descriptions.
      const all = await listAll(auth.roleAssignments.listForSubscription());
      const marker = roleAssignmentMarker(deployment);
      const doomed = all
        .filter(a => a.description === marker || identityOf.has(a.principalId!))
        .sort((a, b) => a.id!.localeCompare(b.id!));
      if (doomed.length === 0)
        ctx.logger.info(
          `no role assignment carries ${marker} or grants an identity of ${deployment}: nothing to delete`,
        );
      const roleNames = new Map<string, string>();
      for (const assignment of doomed) {
        const definitionId = assignment.roleDefinitionId!;
        if (!roleNames.has(definitionId)) {
          const definition = await auth.roleDefinitions
            .getById(definitionId)
            .catch(() => undefined);
          roleNames.set(
            definitionId,
            definition?.roleName ?? definitionId.split('/').pop()!,
          );
        }
        const who =
          identityOf.get(assignment.principalId!) ??
          `principal ${assignment.principalId}`;
        ctx.logger.info(
          `${
            ctx.isDryRun ? 'would delete' : 'deleting'
          } role assignment '${roleNames.get(definitionId)}' for ${who} at ${
            assignment.scope
          }`,
        );
        if (!ctx.isDryRun)
          await auth.roleAssignments.deleteById(assignment.id!).catch(gone);
      }
      ctx.output(
        'assignments',
        doomed.map(a => a.id!),
      );
    },
  });
}
