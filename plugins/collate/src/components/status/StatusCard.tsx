import { Fragment, type ReactNode } from 'react';
import IconButton from '@material-ui/core/IconButton';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import RefreshIcon from '@material-ui/icons/Refresh';
import {
  InfoCard,
  Progress,
  StatusAborted,
  StatusError,
  StatusOK,
  StatusWarning,
} from '@backstage/core-components';
import {
  MissingAnnotationEmptyState,
  useEntity,
} from '@backstage/plugin-catalog-react';
import {
  COLLATE_ANNOTATIONS,
  collateAnnotationsFor,
  collateComponentsOf,
  type CollateComponentKind,
  type CollateComponentStatus,
  type CollateHealth,
  replicaHealth,
} from '@collate-backstage/plugin-collate-common';
import { useCollateStatus } from '../../hooks/useCollateStatus';
import { COMPONENT_TITLES } from '../../utils/titles';
import { StatusProblem } from './StatusProblem';

const HEALTH_LABELS: Record<CollateHealth, string> = {
  healthy: 'Healthy',
  degraded: 'Degraded',
  unhealthy: 'Unhealthy',
  unknown: 'Unknown',
};

/** A health value with Backstage's status icon. */
export const Health = ({
  health,
  children,
}: {
  health: CollateHealth;
  children?: ReactNode;
}) => {
  const label = children ?? HEALTH_LABELS[health];
  switch (health) {
    case 'healthy':
      return <StatusOK>{label}</StatusOK>;
    case 'degraded':
      return <StatusWarning>{label}</StatusWarning>;
    case 'unhealthy':
      return <StatusError>{label}</StatusError>;
    default:
      return <StatusAborted>{label}</StatusAborted>;
  }
};

/**
 * A long technical value (a host, a URL, an image, a generated name) that may wrap after its separators (`/`, `.`,
 * `:`, `@`, `=`, `-`) but never inside a name: `<wbr>` marks the places, so copied text stays exact.
 */
export const Breakable = ({ value }: { value: string }) => {
  const parts = value.split(/(?<=[/.:@=-])/);
  return (
    <>
      {parts.map((part, i) => (
        <Fragment key={i}>
          {i > 0 && <wbr />}
          {part}
        </Fragment>
      ))}
    </>
  );
};

/**
 * The frame every status card shares: empty state when the entity lacks the annotations, progress, the error panel,
 * the component's health with its reason, and a refresh button.
 */
export function StatusCard<T extends CollateComponentStatus>(props: {
  component: CollateComponentKind;
  /** The card's body for a status; `refresh` asks for the component again (after an action on it). */
  children: (status: T, refresh: () => void) => ReactNode;
}) {
  const { entity } = useEntity();
  const applies = collateComponentsOf(entity).includes(props.component);
  if (!applies) {
    return (
      <MissingAnnotationEmptyState
        annotation={[
          COLLATE_ANNOTATIONS.component,
          ...collateAnnotationsFor(props.component),
        ]}
      />
    );
  }
  return <LoadedStatusCard {...props} />;
}

function LoadedStatusCard<T extends CollateComponentStatus>(props: {
  component: CollateComponentKind;
  children: (status: T, refresh: () => void) => ReactNode;
}) {
  const { value, error, loading, refresh } = useCollateStatus<T>(
    props.component,
  );
  const action = (
    <Tooltip title="Refresh">
      <IconButton aria-label="Refresh" onClick={refresh} disabled={loading}>
        <RefreshIcon />
      </IconButton>
    </Tooltip>
  );
  let content: ReactNode;
  if (!value && error) {
    content = <StatusProblem error={error} compact />;
  } else if (!value) {
    content = <Progress />;
  } else {
    content = (
      <>
        {value.reason && (
          <Typography variant="body2" color="textSecondary" paragraph>
            {value.reason}
          </Typography>
        )}
        {props.children(value, refresh)}
      </>
    );
  }
  return (
    <InfoCard
      title={COMPONENT_TITLES[props.component]}
      subheader={value ? <Health health={value.health} /> : undefined}
      action={action}
    >
      {content}
    </InfoCard>
  );
}

/** `2/3` with the health it implies. */
export const Replicas = ({
  ready,
  desired,
}: {
  ready: number;
  desired: number;
}) => (
  <Health health={replicaHealth({ ready, desired })}>
    {`${ready}/${desired} ready`}
  </Health>
);

/** A time as "5 minutes ago"-style relative text, with the exact time as a tooltip. */
export const When = ({ at }: { at?: string }) => {
  if (!at) return <>—</>;
  const ms = Date.now() - Date.parse(at);
  const future = ms < 0;
  const abs = Math.abs(ms);
  const units: Array<[number, string]> = [
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
    [1000, 'second'],
  ];
  const [size, unit] = units.find(([u]) => abs >= u) ?? [1000, 'second'];
  const n = Math.max(1, Math.round(abs / size));
  const text = `${n} ${unit}${n === 1 ? '' : 's'}`;
  return (
    <Tooltip title={new Date(at).toISOString()}>
      <span>{future ? `in ${text}` : `${text} ago`}</span>
    </Tooltip>
  );
};
