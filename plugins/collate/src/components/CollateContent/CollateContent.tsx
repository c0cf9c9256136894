import Grid from '@material-ui/core/Grid';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  collateComponentsOf,
  type CollateComponentKind,
} from '@collate-backstage/plugin-collate-common';
import { CollateOverviewCard } from '../CollateOverviewCard';
import { LifecycleCard } from '../LifecycleCard';
import {
  CollateArgoCard,
  CollateDatabaseCard,
  CollateIngestionCard,
  CollateMetaflowCard,
  CollateRunnerCard,
  CollateSearchCard,
} from '../cards';

const CARDS: Array<[CollateComponentKind, () => JSX.Element]> = [
  ['argo', CollateArgoCard],
  ['database', CollateDatabaseCard],
  ['search', CollateSearchCard],
  ['runner', CollateRunnerCard],
];

/**
 * The "Collate" entity tab: the overview across the top, the cards of the components the entity describes below it
 * two by two (from 960 px), the ingestion workflows and a Metaflow stack's services at full width.
 */
export const CollateContent = () => {
  const { entity } = useEntity();
  const components = collateComponentsOf(entity);
  return (
    <Grid container spacing={3} alignItems="stretch">
      <Grid item xs={12}>
        <CollateOverviewCard variant="details" />
      </Grid>
      {CARDS.filter(([kind]) => components.includes(kind)).map(
        ([kind, Card]) => (
          <Grid item xs={12} md={6} key={kind}>
            <Card />
          </Grid>
        ),
      )}
      {components.includes('ingestion') && (
        <Grid item xs={12}>
          <CollateIngestionCard />
        </Grid>
      )}
      {components.includes('metaflow') && (
        <Grid item xs={12}>
          <CollateMetaflowCard />
        </Grid>
      )}
      {/* Upgrade and decommission are the Collate templates': not a Metaflow stack's. */}
      {entity.kind === 'System' && !components.includes('metaflow') && (
        <Grid item xs={12}>
          <LifecycleCard />
        </Grid>
      )}
    </Grid>
  );
};
