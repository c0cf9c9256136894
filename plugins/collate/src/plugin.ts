import {
  createComponentExtension,
  createPlugin,
} from '@backstage/core-plugin-api';

/**
 * The Collate frontend plugin for the legacy frontend system.
 * The new frontend system uses the default export of `@internal/backstage-plugin-collate/alpha`.
 *
 * @public
 */
export const collatePlugin = createPlugin({
  id: 'collate',
});

/**
 * Where a Collate deployment runs, from the entity's `collate.io/*` annotations.
 *
 * @public
 */
export const EntityCollateOverviewCard = collatePlugin.provide(
  createComponentExtension({
    name: 'EntityCollateOverviewCard',
    component: {
      lazy: () =>
        import('./components/CollateOverviewCard').then(
          m => m.CollateOverviewCard,
        ),
    },
  }),
);
