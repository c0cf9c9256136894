import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { CollatePermissionPolicy, readCollatePolicyOptions } from './policy';

/**
 * The permission backend's policy: who may deploy with the Collate templates (`collate.permissions.deployers`), who
 * may look at a deployment (its owners and `collate.permissions.viewers`), who may operate it (its owners and the
 * deployers); everything else is allowed. In place of `plugin-permission-backend-module-allow-all-policy`.
 * @public
 */
export const permissionModuleCollatePolicy = createBackendModule({
  pluginId: 'permission',
  moduleId: 'collate-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        policy: policyExtensionPoint,
        logger: coreServices.logger,
        userInfo: coreServices.userInfo,
      },
      async init({ config, policy, logger, userInfo }) {
        const options = readCollatePolicyOptions(config);
        if (options.deployers.length === 0)
          logger.warn(
            'collate.permissions.deployers is empty: nobody may run the Collate actions',
          );
        policy.setPolicy(new CollatePermissionPolicy(options, userInfo));
      },
    });
  },
});
