import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { collatePermissions } from '@internal/backstage-plugin-collate-common';
import { readStatusConfig } from './config';
import { createRouter } from './router';
import { DeploymentStore } from './deployments/DeploymentStore';
import { createDeploymentsRouter } from './deployments/router';
import { createStatusSources } from './status/createStatusSources';
import { SourceCache } from './status/sourceCache';
import { StatusService } from './status/StatusService';

/**
 * The Collate backend plugin: aggregates the status of Collate deployments for the entity cards, from the
 * Kubernetes API, the Argo server and the Collate API.
 *
 * @public
 */
export const collatePlugin = createBackendPlugin({
  pluginId: 'collate',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        cache: coreServices.cache,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        lifecycle: coreServices.lifecycle,
        database: coreServices.database,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
        catalog: catalogServiceRef,
      },
      async init(deps) {
        const statusConfig = readStatusConfig(deps.config);
        const sources = createStatusSources(
          deps.config,
          statusConfig,
          deps.logger,
        );
        deps.lifecycle.addShutdownHook(() => sources.close());
        deps.permissionsRegistry.addPermissions(collatePermissions);
        const status = new StatusService(
          statusConfig,
          sources,
          new SourceCache(deps.cache, statusConfig.cacheTtlMs),
        );
        deps.httpRouter.use(
          await createRouter({
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
            catalog: deps.catalog,
            status,
          }),
        );
        deps.httpRouter.use(
          createDeploymentsRouter({
            store: await DeploymentStore.create(deps.database),
            catalog: deps.catalog,
            auth: deps.auth,
            httpAuth: deps.httpAuth,
            discovery: deps.discovery,
          }),
        );
        // The catalog's URL reader fetches the deployments' entities without a Backstage token.
        deps.httpRouter.addAuthPolicy({
          path: '/deployments',
          allow: 'unauthenticated',
        });
        // Health is probed by load balancers and uptime checks without a Backstage token.
        deps.httpRouter.addAuthPolicy({
          path: '/health',
          allow: 'unauthenticated',
        });
      },
    });
  },
});
