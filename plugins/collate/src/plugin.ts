import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { CollateStatusClient, collateStatusApiRef } from './api';

/** Where the legacy fleet page is mounted. @public */
export const collateFleetRouteRef = createRouteRef({ id: 'collate-fleet' });

/**
 * The Collate frontend plugin for the legacy frontend system.
 * The new frontend system uses the default export of `@collate-backstage/plugin-collate/alpha`.
 *
 * @public
 */
export const collatePlugin = createPlugin({
  id: 'collate',
  routes: { fleet: collateFleetRouteRef },
  apis: [
    createApiFactory({
      api: collateStatusApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new CollateStatusClient(deps),
    }),
  ],
});

const card = (name: string, load: () => Promise<() => JSX.Element | null>) =>
  collatePlugin.provide(
    createComponentExtension({ name, component: { lazy: load } }),
  );

/**
 * The "Collate" tab's content: the overview and the component cards in a responsive grid, the ingestion workflows
 * at full width. Mount it as an `EntityLayout.Route` (path `/collate`). @public
 */
export const EntityCollateContent = collatePlugin.provide(
  createComponentExtension({
    name: 'EntityCollateContent',
    component: {
      lazy: () =>
        import('./components/CollateContent').then(m => m.CollateContent),
    },
  }),
);

/**
 * Every component's health at a glance: `variant="compact"` (default) with a link to the Collate tab, or
 * `variant="details"` with each component's reason and where the deployment runs. @public
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

/** Argo Workflows: server and controller pods, version, workflows by phase. @public */
export const EntityCollateArgoCard = card('EntityCollateArgoCard', () =>
  import('./components/cards').then(m => m.CollateArgoCard),
);

/** The database as Collate validates it. @public */
export const EntityCollateDatabaseCard = card('EntityCollateDatabaseCard', () =>
  import('./components/cards').then(m => m.CollateDatabaseCard),
);

/** The search engine as Collate validates it. @public */
export const EntityCollateSearchCard = card('EntityCollateSearchCard', () =>
  import('./components/cards').then(m => m.CollateSearchCard),
);

/** The Hybrid Ingestion Runner: pods, its connection (its own gauge), whether Collate lists it. @public */
export const EntityCollateRunnerCard = card('EntityCollateRunnerCard', () =>
  import('./components/cards').then(m => m.CollateRunnerCard),
);

/** Ingestion workflows: latest runs, schedules, 24 h counts, Collate's pipelines. @public */
export const EntityCollateIngestionCard = card(
  'EntityCollateIngestionCard',
  () => import('./components/cards').then(m => m.CollateIngestionCard),
);

/**
 * Metaflow on Azure: the stack's services with pods, versions and migrations, the datastore's reachability, and how
 * to open the UI. @public
 */
export const EntityCollateMetaflowCard = card('EntityCollateMetaflowCard', () =>
  import('./components/cards').then(m => m.CollateMetaflowCard),
);

/**
 * Every Collate deployment the user may read, worst first, with filters per column: mount it on a route of its own
 * (`<Route path="/collate-fleet" element={<CollateFleetPage />} />`) and link it from the sidebar. @public
 */
export const CollateFleetPage = collatePlugin.provide(
  createRoutableExtension({
    name: 'CollateFleetPage',
    component: () =>
      import('./components/FleetPage').then(m => m.CollateFleetPage),
    mountPoint: collateFleetRouteRef,
  }),
);
