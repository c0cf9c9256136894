import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  type AzureClients,
  getOrUndefined,
  resolveSubscription,
  subscriptionIdInput,
} from '../../lib/azure';
import { DRY_RUN_GUID } from '../../lib/ids';
import {
  assertDeployment,
  AZURE_DEPLOYMENT_TAG,
  deploymentInput,
  adoptInput,
  claimExisting,
} from '../../lib/markers';
import { logChange, planFor } from '../../lib/plan';
import {
  assertAzureLocation,
  assertIdentityName,
  assertResourceGroup,
  fail,
} from '../../lib/validation';
import { examples } from './identityCreate.examples';

/**
 * `collate:azure:identity:create`: a user-assigned managed identity (guide 000: collate-application, collate-ingestion,
 * argo-workflows-server, argo-workflows-controller).
 * @public
 */
export function createAzureIdentityCreateAction(options: {
  azure: AzureClients;
}) {
  return createTemplateAction({
    id: 'collate:azure:identity:create',
    description:
      'Ensures a user-assigned managed identity exists (az identity create). Idempotent; dry-run reads and reports the plan.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        subscriptionId: subscriptionIdInput,
        resourceGroup: z =>
          z.string().describe('Resource group of the identity'),
        name: z => z.string().describe('Identity name, e.g. collate-ingestion'),
        location: z => z.string().describe('Azure location, e.g. westeurope'),
        tags: z =>
          z
            .record(z.string())
            .optional()
            .describe(
              `Tags to set; existing tags are replaced when given (the ${AZURE_DEPLOYMENT_TAG} marker is kept)`,
            ),
        deployment: deploymentInput,
        adopt: adoptInput,
      },
      output: {
        owned: z =>
          z
            .boolean()
            .describe(
              `Whether the identity carries the deployment's ${AZURE_DEPLOYMENT_TAG} tag (created for it); false for an adopted identity`,
            ),
        id: z => z.string().describe('Resource id of the identity'),
        clientId: z =>
          z
            .string()
            .describe(
              'Client (application) id: the azure.workload.identity/client-id annotation',
            ),
        principalId: z =>
          z
            .string()
            .describe(
              'Object id of the service principal: the role-assignment assignee',
            ),
        tenantId: z => z.string().describe('Tenant of the identity'),
      },
    },
    async handler(ctx) {
      const { resourceGroup, name, location, tags, deployment } = ctx.input;
      assertDeployment(deployment);
      assertResourceGroup('resourceGroup', resourceGroup);
      assertIdentityName('name', name);
      assertAzureLocation('location', location);
      const subscriptionId = resolveSubscription(
        options.azure,
        ctx.input.subscriptionId,
      );
      const msi = options.azure.msi(subscriptionId);
      const id = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`;

      const current = await getOrUndefined(() =>
        msi.userAssignedIdentities.get(resourceGroup, name),
      );
      if (current && current.location !== location) {
        fail(
          'location',
          `identity ${name} already exists in ${current.location}, not ${location}; an identity cannot move`,
        );
      }
      const currentMarker = current?.tags?.[AZURE_DEPLOYMENT_TAG];
      const owned = current
        ? claimExisting(
            ctx.logger,
            `managed identity ${name}`,
            deployment,
            currentMarker,
            ctx.input.adopt ?? false,
          )
        : Boolean(deployment);
      // Given tags replace the identity's, and a new identity gets the marker. A marker is never removed (another
      // deployment's neither), and never added to an identity that exists: that one is adopted.
      const marker = owned ? deployment : currentMarker;
      const desiredTags =
        tags || (!current && marker)
          ? { ...tags, ...(marker ? { [AZURE_DEPLOYMENT_TAG]: marker } : {}) }
          : undefined;
      const change = planFor(
        `Microsoft.ManagedIdentity/userAssignedIdentities/${name}`,
        current && { tags: current.tags ?? {} },
        { tags: desiredTags },
      );
      logChange(ctx.logger, change, Boolean(ctx.isDryRun));

      let identity = current;
      // Without given tags, an update keeps what the identity has.
      const tagsToSet = desiredTags ?? current?.tags;
      if (!ctx.isDryRun && change.action !== 'unchanged') {
        identity = await ctx.checkpoint({
          key: `azure.identity.create.${subscriptionId}.${resourceGroup}.${name}`,
          fn: async () => {
            const r = await msi.userAssignedIdentities.createOrUpdate(
              resourceGroup,
              name,
              {
                location,
                ...(tagsToSet ? { tags: tagsToSet } : {}),
              },
            );
            return {
              id: r.id!,
              clientId: r.clientId!,
              principalId: r.principalId!,
              tenantId: r.tenantId!,
              location: r.location,
              tags: r.tags ?? {},
            };
          },
        });
      }
      ctx.output('owned', owned);
      ctx.output('id', identity?.id ?? id);
      ctx.output('clientId', identity?.clientId ?? DRY_RUN_GUID);
      ctx.output('principalId', identity?.principalId ?? DRY_RUN_GUID);
      ctx.output('tenantId', identity?.tenantId ?? DRY_RUN_GUID);
    },
  });
}
