import type { Config } from '@backstage/config';
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { KubernetesClusters } from '@collate-backstage/plugin-collate-node';
import type { ClusterActionOptions } from '../lib/kubernetes';

/**
 * What the module gives the actions, for tests that create one action directly: the Kubernetes plugin's clusters
 * from `config` (the test environment's `config` locator), with an empty catalog.
 */
export function clusterOptions(config: Config): ClusterActionOptions {
  return {
    config,
    clusters: KubernetesClusters.fromConfig({
      config,
      logger: mockServices.logger.mock(),
      catalog: catalogServiceMock(),
      auth: mockServices.auth(),
    }),
  };
}
