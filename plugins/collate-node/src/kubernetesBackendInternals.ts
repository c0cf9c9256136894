import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type {
  AuthenticationStrategy,
  KubernetesClustersSupplier,
} from '@backstage/plugin-kubernetes-node';

type GetCombinedClusterSupplier = (
  rootConfig: Config,
  catalog: CatalogService,
  authStrategy: AuthenticationStrategy,
  logger: LoggerService,
  refreshInterval: undefined,
  auth: AuthService,
) => KubernetesClustersSupplier;

/**
 * The Kubernetes plugin's own cluster supplier: one locator per `kubernetes.clusterLocatorMethods` entry (`config`,
 * `catalog`, `gke`, `localKubectlProxy`), validated by the auth strategies exactly as the Kubernetes tab does.
 *
 * `@backstage/plugin-kubernetes-backend` builds it internally and does not export it (its cluster locators are only
 * reachable through the `kubernetes` plugin's own extension points), so it is loaded from the package's build
 * output. The package has no `exports` map, so the path resolves; `clusters.test.ts` fails loudly if an upgrade
 * moves it, rather than us carrying a copy that drifts from the plugin.
 */
export function combinedClusterSupplier(
  config: Config,
  catalog: CatalogService,
  strategy: AuthenticationStrategy,
  logger: LoggerService,
  auth: AuthService,
): KubernetesClustersSupplier {
  // eslint-disable-next-line @backstage/no-relative-monorepo-imports, @typescript-eslint/no-require-imports
  const internals =
    require('@backstage/plugin-kubernetes-backend/dist/cluster-locator/index.cjs.js') as {
      getCombinedClusterSupplier?: GetCombinedClusterSupplier;
    };
  if (typeof internals.getCombinedClusterSupplier !== 'function') {
    throw new Error(
      'This version of @backstage/plugin-kubernetes-backend does not provide getCombinedClusterSupplier; update @collate-backstage/plugin-collate-node',
    );
  }
  return internals.getCombinedClusterSupplier(
    config,
    catalog,
    strategy,
    logger,
    undefined,
    auth,
  );
}
