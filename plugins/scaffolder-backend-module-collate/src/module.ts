import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { KubernetesClusters } from '@collate-backstage/plugin-collate-node';
import { createCollateActions } from './actions';
import {
  createCollateCatalogAnnotateAction,
  createCollateCatalogRegisterAction,
  createCollateCatalogUnregisterAction,
} from './actions/catalog/catalogRegister';
import { refreshEcrPullSecrets } from './ecr/pullSecret';

/** Task id of the scheduled ECR pull-secret renewal. */
export const ECR_REFRESH_TASK_ID = 'collate-ecr-pull-secret-refresh';

/**
 * Registers the Collate deployment actions with the scaffolder, and schedules the renewal of the ECR pull
 * secrets they create (ECR tokens expire after 12 hours).
 *
 * @public
 */
export const scaffolderModuleCollate = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'collate',
  register({ registerInit }) {
    registerInit({
      deps: {
        scaffolderActions: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
        catalog: catalogServiceRef,
      },
      async init({
        scaffolderActions,
        config,
        logger,
        scheduler,
        auth,
        discovery,
        catalog,
      }) {
        // The clusters and auth of Backstage's Kubernetes plugin configuration, as the Kubernetes tab sees them.
        const clusters = KubernetesClusters.fromConfig({
          config,
          logger,
          catalog,
          auth,
        });
        const actions = [
          ...createCollateActions({ config, clusters }),
          createCollateCatalogRegisterAction({ auth, discovery }),
          createCollateCatalogUnregisterAction({ auth, discovery }),
          createCollateCatalogAnnotateAction({ auth, discovery }),
        ];
        scaffolderActions.addActions(...actions);
        logger.info(`Registered ${actions.length} Collate scaffolder actions`);

        const minutes =
          config.getOptionalNumber('collate.ecr.refreshIntervalMinutes') ?? 60;
        await scheduler.scheduleTask({
          id: ECR_REFRESH_TASK_ID,
          frequency: { minutes },
          timeout: { minutes: 10 },
          initialDelay: { minutes: 1 },
          scope: 'global',
          fn: async () => {
            const renewed = await refreshEcrPullSecrets({
              config,
              clusters,
              logger,
            });
            if (renewed > 0)
              logger.info(`Renewed ${renewed} ECR pull secret(s)`);
          },
        });
      },
    });
  },
});
