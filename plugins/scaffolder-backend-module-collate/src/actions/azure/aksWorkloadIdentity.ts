import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  type AzureClients,
  resolveSubscription,
  subscriptionIdInput,
} from '../../lib/azure';
import { logChange, planFor } from '../../lib/plan';
import { assertAksName, assertResourceGroup } from '../../lib/validation';
import { examples } from './aksWorkloadIdentity.examples';

/**
 * `collate:azure:aks:workload-identity`: reads an AKS cluster's OIDC issuer and workload identity; with `enable`, turns
 * both on (az aks update --enable-oidc-issuer --enable-workload-identity).
 * @public
 */
export function createAzureAksWorkloadIdentityAction(options: {
  azure: AzureClients;
}) {
  return createTemplateAction({
    id: 'collate:azure:aks:workload-identity',
    description:
      "Outputs an AKS cluster's OIDC issuer URL; with enable: true, enables the OIDC issuer and workload identity when they are off.",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        subscriptionId: subscriptionIdInput,
        resourceGroup: z =>
          z.string().describe('Resource group of the cluster'),
        clusterName: z => z.string().describe('AKS cluster name'),
        enable: z =>
          z
            .boolean()
            .default(false)
            .describe(
              'Enable the OIDC issuer and workload identity when off (otherwise the step fails when they are off)',
            ),
      },
      output: {
        issuerUrl: z =>
          z.string().describe('OIDC issuer URL for federated credentials'),
        kubernetesVersion: z =>
          z.string().describe('Current Kubernetes version of the cluster'),
        oidcIssuerEnabled: z =>
          z
            .boolean()
            .describe(
              'Whether the OIDC issuer is (or, in dry-run, would be) on',
            ),
        workloadIdentityEnabled: z =>
          z.boolean().describe('Whether workload identity is (or would be) on'),
      },
    },
    async handler(ctx) {
      const { resourceGroup, clusterName, enable } = ctx.input;
      assertResourceGroup('resourceGroup', resourceGroup);
      assertAksName('clusterName', clusterName);
      const subscriptionId = resolveSubscription(
        options.azure,
        ctx.input.subscriptionId,
      );
      const aks = options.azure.containerService(subscriptionId);
      const cluster = await aks.managedClusters.get(resourceGroup, clusterName);
      const current = {
        oidcIssuerEnabled: Boolean(cluster.oidcIssuerProfile?.enabled),
        workloadIdentityEnabled: Boolean(
          cluster.securityProfile?.workloadIdentity?.enabled,
        ),
      };
      const ready =
        current.oidcIssuerEnabled && current.workloadIdentityEnabled;
      if (!ready && !enable) {
        throw new Error(
          `AKS cluster ${clusterName} has OIDC issuer ${
            current.oidcIssuerEnabled ? 'on' : 'off'
          } and workload identity ${
            current.workloadIdentityEnabled ? 'on' : 'off'
          }. ` +
            `Run this step with enable: true, or: az aks update --resource-group ${resourceGroup} --name ${clusterName} --enable-oidc-issuer --enable-workload-identity`,
        );
      }
      const change = planFor(
        `Microsoft.ContainerService/managedClusters/${clusterName}`,
        current,
        { oidcIssuerEnabled: true, workloadIdentityEnabled: true },
      );
      logChange(ctx.logger, change, Boolean(ctx.isDryRun));
      let result = {
        issuerUrl: cluster.oidcIssuerProfile?.issuerURL ?? '',
        ...current,
      };
      if (change.action !== 'unchanged' && !ctx.isDryRun) {
        result = await ctx.checkpoint({
          key: `azure.aks.workload-identity.${subscriptionId}.${resourceGroup}.${clusterName}`,
          fn: async () => {
            const updated =
              await aks.managedClusters.beginCreateOrUpdateAndWait(
                resourceGroup,
                clusterName,
                {
                  ...cluster,
                  oidcIssuerProfile: {
                    ...cluster.oidcIssuerProfile,
                    enabled: true,
                  },
                  securityProfile: {
                    ...cluster.securityProfile,
                    workloadIdentity: { enabled: true },
                  },
                },
              );
            return {
              issuerUrl: updated.oidcIssuerProfile?.issuerURL ?? '',
              oidcIssuerEnabled: Boolean(updated.oidcIssuerProfile?.enabled),
              workloadIdentityEnabled: Boolean(
                updated.securityProfile?.workloadIdentity?.enabled,
              ),
            };
          },
        });
      } else if (ctx.isDryRun && change.action !== 'unchanged') {
        result = {
          ...result,
          oidcIssuerEnabled: true,
          workloadIdentityEnabled: true,
        };
      }
      ctx.output(
        'issuerUrl',
        result.issuerUrl ||
          `https://oidc-issuer-known-after-enable.invalid/${clusterName}/`,
      );
      ctx.output(
        'kubernetesVersion',
        cluster.currentKubernetesVersion ?? cluster.kubernetesVersion ?? '',
      );
      ctx.output('oidcIssuerEnabled', result.oidcIssuerEnabled);
      ctx.output('workloadIdentityEnabled', result.workloadIdentityEnabled);
    },
  });
}
