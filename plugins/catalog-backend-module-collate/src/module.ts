import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { CollateDeploymentProvider } from './CollateDeploymentProvider';
import { DeploymentStore } from './DeploymentStore';
import { createDeploymentsRouter } from './router';

/**
 * Catalog module: the entity provider of the Collate deployments the templates register, and the routes the
 * `collate:catalog:register` / `collate:catalog:unregister` actions call.
 *
 * @public
 */
export const catalogModuleCollateDeployments = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'collate-deployments',
  register(env) {
    env.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        database: coreServices.database,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        scheduler: coreServices.scheduler,
        logger: coreServices.logger,
      },
      async init({
        catalog,
        database,
        httpRouter,
        httpAuth,
        scheduler,
        logger,
      }) {
        const provider = new CollateDeploymentProvider(
          await DeploymentStore.create(database),
        );
        catalog.addEntityProvider(provider);
        httpRouter.use(createDeploymentsRouter({ provider, httpAuth }));
        // Each write is applied at once as a delta; the full resync only repairs what a crash may have left behind.
        await scheduler.scheduleTask({
          id: 'collate-deployments-resync',
          frequency: { minutes: 30 },
          timeout: { minutes: 5 },
          initialDelay: { minutes: 30 },
          scope: 'global',
          fn: async () => {
            const count = await provider.resync();
            logger.debug(`Resynced ${count} Collate deployment entities`);
          },
        });
      },
    });
  },
});
