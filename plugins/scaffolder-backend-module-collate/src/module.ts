import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createCollateActions } from './actions';

/**
 * Registers the Collate deployment actions with the scaffolder.
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
      },
      async init({ scaffolderActions, config, logger }) {
        const actions = createCollateActions({ config });
        scaffolderActions.addActions(...actions);
        logger.info(
          `Registered ${actions.length} Collate scaffolder action(s)`,
        );
      },
    });
  },
});
