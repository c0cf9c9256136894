import Grid from '@material-ui/core/Grid';
import IconButton from '@material-ui/core/IconButton';
import Tooltip from '@material-ui/core/Tooltip';
import RefreshIcon from '@material-ui/icons/Refresh';
import {
  useEntity,
  MissingAnnotationEmptyState,
} from '@backstage/plugin-catalog-react';
import {
  InfoCard,
  Progress,
  StructuredMetadataTable,
  Table,
  type TableColumn,
} from '@backstage/core-components';
import {
  COLLATE_ANNOTATIONS,
  readCollateAnnotations,
  type CollateComponentStatus,
} from '@collate-backstage/plugin-collate-common';
import { useCollateStatus } from '../../hooks/useCollateStatus';
import { ANNOTATION_LABELS, COMPONENT_TITLES } from '../../utils/titles';
import { Breakable, Health } from '../status/StatusCard';
import { StatusProblem } from '../status/StatusProblem';
import { ConfigNeeded } from './ConfigNeeded';
import { HealthList } from './HealthList';
import { Versions } from './Versions';

const columns: TableColumn<CollateComponentStatus>[] = [
  {
    title: 'Component',
    field: 'component',
    highlight: true,
    render: c => COMPONENT_TITLES[c.component],
  },
  {
    title: 'Health',
    field: 'health',
    render: c => <Health health={c.health} />,
  },
  { title: 'Details', field: 'reason', emptyValue: '—' },
];

const Overview = ({ variant }: { variant: 'compact' | 'details' }) => {
  const { entity } = useEntity();
  const annotations = readCollateAnnotations(entity);
  const { value, error, refresh } = useCollateStatus();

  let health;
  if (value && variant === 'compact') {
    health = <HealthList components={value.components} />;
  } else if (value) {
    health = (
      <Table<CollateComponentStatus>
        options={{
          paging: false,
          search: false,
          toolbar: false,
          padding: 'dense',
        }}
        columns={columns}
        data={value.components}
      />
    );
  } else if (error) {
    health = <StatusProblem error={error} />;
  } else {
    health = <Progress />;
  }

  const metadata = Object.fromEntries(
    (Object.keys(ANNOTATION_LABELS) as Array<keyof typeof ANNOTATION_LABELS>)
      .filter(key => key !== 'component' && annotations[key])
      .map(key => [
        ANNOTATION_LABELS[key],
        <Breakable value={annotations[key]!} />,
      ]),
  );

  return (
    <InfoCard
      title={
        annotations.component === 'metaflow'
          ? 'Metaflow stack'
          : 'Collate deployment'
      }
      subheader={entity.metadata.title ?? entity.metadata.name}
      action={
        <Tooltip title="Refresh">
          <IconButton aria-label="Refresh" onClick={refresh}>
            <RefreshIcon />
          </IconButton>
        </Tooltip>
      }
      deepLink={
        variant === 'compact'
          ? { title: 'Details on the Collate tab', link: 'collate' }
          : undefined
      }
    >
      {value && <ConfigNeeded status={value} />}
      {variant === 'details' ? (
        <Grid container spacing={2}>
          <Grid item xs={12} lg={7}>
            {health}
          </Grid>
          <Grid item xs={12} lg={5}>
            <StructuredMetadataTable metadata={metadata} dense />
          </Grid>
          {value && (
            <Grid item xs={12}>
              <Versions components={value.components} />
            </Grid>
          )}
        </Grid>
      ) : (
        health
      )}
    </InfoCard>
  );
};

/**
 * Every component of a Collate deployment at a glance: compact on the Overview tab (health per component, a link to
 * the Collate tab), with reasons and where it runs on the Collate tab.
 */
export const CollateOverviewCard = (props: {
  /** `compact` (default): health per component and a link to the Collate tab; `details`: reasons and where it runs. */
  variant?: 'compact' | 'details';
}) => {
  const { entity } = useEntity();
  if (!readCollateAnnotations(entity).component) {
    return (
      <MissingAnnotationEmptyState
        annotation={[
          COLLATE_ANNOTATIONS.component,
          COLLATE_ANNOTATIONS.cluster,
        ]}
      />
    );
  }
  return <Overview variant={props.variant ?? 'compact'} />;
};
