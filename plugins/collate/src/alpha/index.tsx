import {
  ApiBlueprint,
  createFrontendPlugin,
  createRouteRef,
  PageBlueprint,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import {
  createFormField,
  FormFieldBlueprint,
} from '@backstage/plugin-scaffolder-react/alpha';
import type { Entity } from '@backstage/catalog-model';
import StorageIcon from '@material-ui/icons/Storage';
import {
  collateComponentsOf,
  isCollateEntity,
  type CollateComponentKind,
} from '@collate-backstage/plugin-collate-common';
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

/**
 * A compact card on the Overview tab of every entity with the Collate annotations: health per component and a link
 * to the Collate tab. @alpha
 */
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
 * The "Collate" tab: the overview and the component cards side by side, the ingestion workflows at full width.
 * @alpha
 */
export const collateEntityContent = EntityContentBlueprint.make({
  name: 'collate',
  params: {
    path: 'collate',
    title: 'Collate',
    filter: entity => isCollateEntity(entity),
    loader: () =>
      import('../components/CollateContent').then(m => <m.CollateContent />),
  },
});

type StatusCards = typeof import('../components/cards');

/**
 * The card of one component, on the entities that describe that component. They are on the Collate tab; as cards
 * of their own they are off unless enabled in `app.extensions` (e.g. `entity-card:collate/argo: true`).
 */
function componentCard<K extends CollateComponentKind>(
  kind: K,
  card: keyof StatusCards,
  options: { type?: 'content' } = {},
) {
  return EntityCardBlueprint.make({
    name: kind,
    disabled: true,
    params: {
      filter: has(kind),
      ...options,
      loader: () =>
        import('../components/cards').then(m => {
          const Card = m[card];
          return <Card />;
        }),
    },
  });
}

/** @alpha */
export const collateArgoEntityCard = componentCard('argo', 'CollateArgoCard');
/** @alpha */
export const collateDatabaseEntityCard = componentCard(
  'database',
  'CollateDatabaseCard',
);
/** @alpha */
export const collateSearchEntityCard = componentCard(
  'search',
  'CollateSearchCard',
);
/** @alpha */
export const collateRunnerEntityCard = componentCard(
  'runner',
  'CollateRunnerCard',
);
/** Full width: a table of runs, schedules and pipelines. @alpha */
export const collateIngestionEntityCard = componentCard(
  'ingestion',
  'CollateIngestionCard',
  { type: 'content' },
);

/** Full width: a table of the Metaflow stack's services. @alpha */
export const collateMetaflowEntityCard = componentCard(
  'metaflow',
  'CollateMetaflowCard',
  { type: 'content' },
);

/**
 * The scaffolder form field `ui:field: CollateDeployAccess` (type boolean) for a Collate template's first page: says
 * whether the signed-in user may run the template (the permission policy's answer for the Collate actions) and whom
 * to ask, and keeps the form on that page when they may not. @alpha
 */
export const collateDeployAccessFormField = FormFieldBlueprint.make({
  name: 'deploy-access',
  params: {
    field: () =>
      import('../components/DeployAccessField').then(m =>
        createFormField({
          name: 'CollateDeployAccess',
          component: m.DeployAccessField,
          validation: (value, validation) => {
            if (value === false)
              validation.addError(
                'You may not run the Collate templates: see the message above.',
              );
            else if (value !== true)
              validation.addError(
                'Still asking whether you may run this template.',
              );
          },
        }),
      ),
  },
});

/** Where the fleet page is mounted. @alpha */
export const collateFleetRouteRef = createRouteRef();

/**
 * The fleet page at `/collate-fleet`: every Collate deployment the user may read, worst first, in the sidebar.
 * @alpha
 */
export const collateFleetPage = PageBlueprint.make({
  name: 'fleet',
  params: {
    path: '/collate-fleet',
    title: 'Collate fleet',
    icon: <StorageIcon fontSize="inherit" />,
    routeRef: collateFleetRouteRef,
    loader: () =>
      import('../components/FleetPage').then(m => <m.CollateFleetPage />),
  },
});

/**
 * The Collate frontend plugin for the new frontend system.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'collate',
  routes: { fleet: collateFleetRouteRef },
  extensions: [
    collateStatusApi,
    collateFleetPage,
    collateOverviewEntityCard,
    collateEntityContent,
    collateArgoEntityCard,
    collateDatabaseEntityCard,
    collateSearchEntityCard,
    collateRunnerEntityCard,
    collateIngestionEntityCard,
    collateMetaflowEntityCard,
    collateDeployAccessFormField,
  ],
});
