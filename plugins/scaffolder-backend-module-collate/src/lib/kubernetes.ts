import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { KubeConfig } from '@kubernetes/client-node';
import type { z as zod } from 'zod/v3';

/** The `cluster` input of every action that works on a cluster. */
export const clusterInput = (z: typeof zod) =>
  z
    .string()
    .min(1)
    .describe(
      'Cluster name as configured under kubernetes.clusterLocatorMethods',
    );

/** The field manager of every server-side apply this module makes. */
export const FIELD_MANAGER = 'backstage-collate';

/**
 * A KubeConfig for a cluster configured the way Backstage's Kubernetes plugin reads it:
 * `kubernetes.clusterLocatorMethods[].clusters[]` of type `config` with `name`, `url`, `serviceAccountToken`,
 * `caData`/`caFile` and `skipTLSVerify`.
 */
export function kubeConfigFor(config: Config, clusterName: string): KubeConfig {
  const methods =
    config.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? [];
  const clusters = methods
    .filter(m => m.getString('type') === 'config')
    .flatMap(m => m.getOptionalConfigArray('clusters') ?? []);
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

/** The HTTP status of a @kubernetes/client-node ApiException. */
export function kubeStatus(error: unknown): number | undefined {
  return (error as { code?: number })?.code;
}

/** The API server's own message from an ApiException, without the request. */
export function kubeMessage(error: unknown): string {
  const body = (error as { body?: unknown })?.body;
  if (typeof body === 'string') {
    try {
      return JSON.parse(body).message ?? body;
    } catch {
      return body;
    }
  }
  return (body as { message?: string })?.message ?? (error as Error).message;
}
