import { createFrontendPlugin } from '@backstage/frontend-plugin-api';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { isCollateEntity } from '@internal/backstage-plugin-collate-common';

/** The overview card, on every entity that carries the Collate annotations. @alpha */
export const collateOverviewEntityCard = EntityCardBlueprint.make({
  name: 'overview',
  params: {
    filter: entity => isCollateEntity(entity),
    loader: () =>
      import('../components/CollateOverviewCard').then(m => (
        <m.CollateOverviewCard />
      )),
  },
});

/**
 * The Collate frontend plugin for the new frontend system.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'collate',
  extensions: [collateOverviewEntityCard],
});
