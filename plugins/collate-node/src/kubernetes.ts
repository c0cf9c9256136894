import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { KubeConfig } from '@kubernetes/client-node';

/** Names of the clusters configured under `kubernetes.clusterLocatorMethods` (type `config`). */
export function configuredClusterNames(config: Config): string[] {
  return configuredClusters(config).map(c => c.getString('name'));
}

function configuredClusters(config: Config): Config[] {
  const methods =
    config.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? [];
  return methods
    .filter(m => m.getString('type') === 'config')
    .flatMap(m => m.getOptionalConfigArray('clusters') ?? []);
}

/**
 * A KubeConfig for a cluster configured the way Backstage's Kubernetes plugin reads it:
 * `kubernetes.clusterLocatorMethods[].clusters[]` of type `config` with `name`, `url`, `serviceAccountToken`,
 * `caData`/`caFile` and `skipTLSVerify`.
 *
 * Throws an `InputError` naming the configured clusters when the cluster is unknown or not usable.
 *
 * @public
 */
export function kubeConfigFor(config: Config, clusterName: string): KubeConfig {
  const clusters = configuredClusters(config);
  const cluster = clusters.find(c => c.getString('name') === clusterName);
  if (!cluster) {
    const known = clusters.map(c => c.getString('name'));
    throw new InputError(
      `Invalid input 'cluster': '${clusterName}' is not configured under kubernetes.clusterLocatorMethods (configured: ${
        known.join(', ') || 'none'
      })`,
    );
  }
  const authProvider =
    cluster.getOptionalString('authProvider') ?? 'serviceAccount';
  if (authProvider !== 'serviceAccount') {
    throw new InputError(
      `Cluster '${clusterName}' uses authProvider '${authProvider}'; the Collate actions need 'serviceAccount' with serviceAccountToken`,
    );
  }
  const token = cluster.getOptionalString('serviceAccountToken');
  if (!token) {
    throw new InputError(
      `Cluster '${clusterName}' has no serviceAccountToken configured`,
    );
  }
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name: clusterName,
        server: cluster.getString('url'),
        caData: cluster.getOptionalString('caData'),
        caFile: cluster.getOptionalString('caFile'),
        skipTLSVerify: cluster.getOptionalBoolean('skipTLSVerify') ?? false,
      },
    ],
    users: [{ name: 'backstage', token }],
    contexts: [{ name: clusterName, cluster: clusterName, user: 'backstage' }],
    currentContext: clusterName,
  });
  return kc;
}
