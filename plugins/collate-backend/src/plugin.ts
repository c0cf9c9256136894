import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { collatePermissions } from '@collate-backstage/plugin-collate-common';
import {
  KubernetesClusters,
  collateClusterAuthExtensionPoint,
} from '@collate-backstage/plugin-collate-node';
import type { AuthenticationStrategy } from '@backstage/plugin-kubernetes-node';
import { readStatusConfig } from './config';
import { WorkflowOperations } from './operations/workflowOperations';
import { createRouter } from './router';
import { DeploymentBinding } from './auth/deploymentBinding';
import { NamespaceMarkers } from './auth/namespaceMarker';
import { createEntityPermissions } from './auth/requirePermission';
import { registerCollateActions } from './actions/registerActions';
import { registerPlanActions } from './actions/planActions';
import { createStatusSources } from './status/createStatusSources';
import { SourceCache } from './status/sourceCache';
import { SharedWorkflows } from './status/sharedWorkflows';
import { StatusService } from './status/StatusService';
import { CollateOperations } from './operations/collateOperations';
import { FleetRows } from './fleet/fleetRows';
import { computeFleetRow } from './fleet/readFleet';

/**
 * The Collate backend plugin: aggregates the status of Collate deployments for the entity cards, from the
 * Kubernetes API, the Argo server and the Collate API.
 *
 * @public
 */
export const collatePlugin = createBackendPlugin({
  pluginId: 'collate',
  register(env) {
    const authStrategies: Record<string, AuthenticationStrategy> = {};
    env.registerExtensionPoint(collateClusterAuthExtensionPoint, {
      addAuthStrategy(key, strategy) {
        authStrategies[key] = strategy;
      },
    });
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
        auth: coreServices.auth,
        discovery: coreServices.discovery,
        catalog: catalogServiceRef,
        actionsRegistry: actionsRegistryServiceRef,
      },
      async init(deps) {
        const statusConfig = readStatusConfig(deps.config);
        // The clusters and auth of Backstage's Kubernetes plugin configuration, as the Kubernetes tab sees them.
        const clusters = KubernetesClusters.fromConfig({
          config: deps.config,
          logger: deps.logger,
          catalog: deps.catalog,
          auth: deps.auth,
          authStrategies,
        });
        const sources = createStatusSources(
          clusters,
          statusConfig,
          deps.logger,
        );
        deps.lifecycle.addShutdownHook(() => sources.close());
        deps.permissionsRegistry.addPermissions(collatePermissions);
        const shared = new SharedWorkflows(deps.cache, sources, {
          idleMs: statusConfig.idleMs,
          timeoutMs: statusConfig.timeouts.kubernetes,
        });
        deps.lifecycle.addShutdownHook(() => shared.close());
        const status = new StatusService(
          statusConfig,
          sources,
          new SourceCache(deps.cache, statusConfig.cacheTtlMs),
          shared,
        );
        const markers = new NamespaceMarkers(
          sources,
          statusConfig.timeouts.kubernetes,
        );
        const entityPermissions = createEntityPermissions({
          httpAuth: deps.httpAuth,
          permissions: deps.permissions,
          catalog: deps.catalog,
          binding: DeploymentBinding.fromConfig(deps.config),
        });
        const fleetRows = new FleetRows(
          statusConfig.cacheTtlMs,
          computeFleetRow(status),
        );
        registerCollateActions({
          actionsRegistry: deps.actionsRegistry,
          catalog: deps.catalog,
          entityPermissions,
          status,
          fleetRows,
        });
        registerPlanActions({
          actionsRegistry: deps.actionsRegistry,
          catalog: deps.catalog,
          entityPermissions,
          auth: deps.auth,
          discovery: deps.discovery,
        });
        deps.httpRouter.use(
          await createRouter({
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
            entityPermissions,
            catalog: deps.catalog,
            status,
            collate: new CollateOperations(
              statusConfig,
              sources,
              status.servers,
              status.reads,
              markers,
            ),
            clusters,
            logger: deps.logger,
            workflows: new WorkflowOperations(
              statusConfig.argoServers,
              markers,
            ),
            logs: statusConfig.logs,
            deployers:
              deps.config.getOptionalStringArray(
                'collate.permissions.deployers',
              ) ?? [],
            fleetRows,
          }),
        );
        // Health is probed by load balancers and uptime checks without a Backstage token.
        deps.httpRouter.addAuthPolicy({
          path: '/health',
          allow: 'unauthenticated',
        });
      },
    });
  },
});
