import { resolveSubscription } from '../azure';
import type { PreflightCheckDefinition } from './check';

/** The AKS cluster's OIDC issuer and workload identity, which the managed identities' federation needs. */
export const aksWorkloadIdentityCheck: PreflightCheckDefinition = {
  name: 'aks-workload-identity',
  unreachable: 'fail',
  applies: input => Boolean(input.azure),
  async run({ input, azure }) {
    const { resourceGroup, clusterName, subscriptionId, enabledLater } =
      input.azure!;
    const aks = azure.containerService(
      resolveSubscription(azure, subscriptionId),
    );
    const c = await aks.managedClusters.get(resourceGroup, clusterName);
    const oidc = Boolean(c.oidcIssuerProfile?.enabled);
    const wi = Boolean(c.securityProfile?.workloadIdentity?.enabled);
    return oidc && wi
      ? {
          name: 'aks-workload-identity',
          status: 'pass',
          reason: `OIDC issuer ${c.oidcIssuerProfile?.issuerURL} and workload identity enabled`,
        }
      : {
          name: 'aks-workload-identity',
          status: enabledLater ? 'warn' : 'fail',
          reason: `OIDC issuer ${oidc ? 'on' : 'off'}, workload identity ${
            wi ? 'on' : 'off'
          }: az aks update --resource-group ${resourceGroup} --name ${clusterName} --enable-oidc-issuer --enable-workload-identity (or collate:azure:aks:workload-identity with enable: true)`,
        };
  },
};
