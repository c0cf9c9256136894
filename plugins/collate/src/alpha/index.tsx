import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import type { Entity } from '@backstage/catalog-model';
import {
  collateComponentsOf,
  isCollateEntity,
  type CollateComponentKind,
} from '@internal/backstage-plugin-collate-common';
import { CollateStatusClient, collateStatusApiRef } from '../api';

/** The client of the collate backend. @alpha */
export const collateStatusApi = ApiBlueprint.make({
  name: 'status',
  params: defineParams =>
    defineParams({
      api: collateStatusApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new CollateStatusClient(deps),
    }),
});

const has = (kind: CollateComponentKind) => (entity: Entity) =>
  collateComponentsOf(entity).includes(kind);

/** Every component's health at a glance, on every entity with the Collate annotations. @alpha */
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

/** @alpha */
export const collateArgoEntityCard = EntityCardBlueprint.make({
  name: 'argo',
  params: {
    filter: has('argo'),
    loader: () =>
      import('../components/status/cards').then(m => <m.CollateArgoCard />),
  },
});

/** @alpha */
export const collateDatabaseEntityCard = EntityCardBlueprint.make({
  name: 'database',
  params: {
    filter: has('database'),
    loader: () =>
      import('../components/status/cards').then(m => <m.CollateDatabaseCard />),
  },
});

/** @alpha */
export const collateSearchEntityCard = EntityCardBlueprint.make({
  name: 'search',
  params: {
    filter: has('search'),
    loader: () =>
      import('../components/status/cards').then(m => <m.CollateSearchCard />),
  },
});

/** @alpha */
export const collateRunnerEntityCard = EntityCardBlueprint.make({
  name: 'runner',
  params: {
    filter: has('runner'),
    loader: () =>
      import('../components/status/cards').then(m => <m.CollateRunnerCard />),
  },
});

/** @alpha */
export const collateIngestionEntityCard = EntityCardBlueprint.make({
  name: 'ingestion',
  params: {
    filter: has('ingestion'),
    type: 'content',
    loader: () =>
      import('../components/status/cards').then(m => (
        <m.CollateIngestionCard />
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
  extensions: [
    collateStatusApi,
    collateOverviewEntityCard,
    collateArgoEntityCard,
    collateDatabaseEntityCard,
    collateSearchEntityCard,
    collateRunnerEntityCard,
    collateIngestionEntityCard,
  ],
});
