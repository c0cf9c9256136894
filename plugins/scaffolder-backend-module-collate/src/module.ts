import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { KubernetesClusters } from '@collate-backstage/plugin-collate-node';
import { createCollateActions } from './actions';
import { createCollateCatalogAnnotateAction } from './actions/catalog/catalogAnnotate';
import { createCollateCatalogRegisterAction } from './actions/catalog/catalogRegister';
import { createCollateCatalogUnregisterAction } from './actions/catalog/catalogUnregister';
import { RENEW_BEFORE_MS, refreshEcrPullSecrets } from './ecr/pullSecret';
import { PullSecretStore } from './ecr/pullSecretStore';
import { readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';

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
        database: coreServices.database,
      },
      async init({
        scaffolderActions,
        config,
        logger,
        scheduler,
        auth,
        discovery,
        catalog,
        database,
      }) {
        // The clusters and auth of Backstage's Kubernetes plugin configuration, as the Kubernetes tab sees them.
        const clusters = KubernetesClusters.fromConfig({
          config,
          logger,
          catalog,
          auth,
        });
        // The ECR pull secrets the actions create, recorded: the renewal renews those and nothing else.
        const pullSecrets = await PullSecretStore.create(database);
        const actions = [
          ...createCollateActions({ config, clusters, pullSecrets }),
          createCollateCatalogRegisterAction({ auth, discovery }),
          createCollateCatalogUnregisterAction({ auth, discovery }),
          createCollateCatalogAnnotateAction({ auth, discovery }),
        ];
        scaffolderActions.addActions(...actions);
        logger.info(`Registered ${actions.length} Collate scaffolder actions`);

        const interval = config.has('collate.ecr.refreshInterval')
          ? readDurationFromConfig(config, {
              key: 'collate.ecr.refreshInterval',
            })
          : {
              minutes:
                config.getOptionalNumber(
                  'collate.ecr.refreshIntervalMinutes',
                ) ?? 60,
            };
        const renewBeforeMs = config.has('collate.ecr.renewBefore')
          ? durationToMilliseconds(
              readDurationFromConfig(config, {
                key: 'collate.ecr.renewBefore',
              }),
            )
          : RENEW_BEFORE_MS;
        // Global scope: with several backend replicas, one of them renews per interval.
        await scheduler.scheduleTask({
          id: ECR_REFRESH_TASK_ID,
          frequency: interval,
          timeout: { minutes: 10 },
          initialDelay:
            durationToMilliseconds(interval) < 60_000
              ? interval
              : { minutes: 1 },
          scope: 'global',
          fn: async () => {
            await refreshEcrPullSecrets({
              config,
              clusters,
              logger,
              store: pullSecrets,
              renewBeforeMs,
            });
          },
        });
      },
    });
  },
});
