import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import {
  Link,
  StructuredMetadataTable,
  Table,
  type TableColumn,
} from '@backstage/core-components';
import type {
  CollateArgoStatus,
  CollateBackingServiceStatus,
  CollateDeploymentStatus,
  CollateHealth,
  CollateIngestionStatus,
  CollatePipeline,
  CollateRunnerStatus,
  WorkflowPhase,
  WorkflowRun,
  WorkflowSchedule,
} from '@collate-backstage/plugin-collate-common';
import { Breakable, Health, Replicas, StatusCard, When } from './StatusCard';
import { LastReindex, ReindexButton } from './Reindex';
import { PipelineActions } from './PipelineActions';
import { RunActions } from './RunActions';
import { RunLogs } from './RunLogs';

const deploymentRow = (d?: CollateDeploymentStatus) =>
  d ? <Replicas ready={d.ready} desired={d.desired} /> : '—';

/** Short values (a phase, a time, a duration) stay on one line; the workflow name column takes what is left. */
const NO_WRAP = { whiteSpace: 'nowrap' } as const;

const PHASE_HEALTH: Record<WorkflowPhase, CollateHealth> = {
  Succeeded: 'healthy',
  Running: 'healthy',
  Pending: 'unknown',
  Failed: 'unhealthy',
  Error: 'unhealthy',
  Unknown: 'unknown',
};

const PHASE_ORDER: WorkflowPhase[] = [
  'Running',
  'Pending',
  'Succeeded',
  'Failed',
  'Error',
  'Unknown',
];

/** Counts by phase as chips, in a fixed order. */
const PhaseCounts = ({
  counts,
}: {
  counts?: Partial<Record<WorkflowPhase, number>>;
}) => {
  const entries = PHASE_ORDER.filter(p => counts?.[p]).map(
    p => [p, counts![p]!] as const,
  );
  if (!entries.length) return <>none</>;
  return (
    <>
      {entries.map(([phase, n]) => (
        <Chip key={phase} size="small" label={`${phase}: ${n}`} />
      ))}
    </>
  );
};

/** Argo Workflows: server and controller pods, server version, workflows by phase. @public */
export const CollateArgoCard = () => (
  <StatusCard<CollateArgoStatus> title="Argo Workflows" component="argo">
    {s => (
      <StructuredMetadataTable
        metadata={{
          Namespace: s.namespace ?? '—',
          'Argo server': deploymentRow(s.server),
          'Workflow controller': deploymentRow(s.controller),
          'Server version': s.serverVersion ?? '—',
          Image: s.server?.image ? <Breakable value={s.server.image} /> : '—',
          Workflows: <PhaseCounts counts={s.workflowsByPhase} />,
          ...(s.uiUrl
            ? {
                'Argo UI': (
                  <Link to={s.uiUrl}>
                    <Breakable value={s.uiUrl} />
                  </Link>
                ),
              }
            : {}),
        }}
      />
    )}
  </StatusCard>
);

const BackingServiceCard = ({
  component,
  title,
}: {
  component: 'database' | 'search';
  title: string;
}) => (
  <StatusCard<CollateBackingServiceStatus> title={title} component={component}>
    {(s, refresh) => (
      <>
        <StructuredMetadataTable
          metadata={{
            Type: s.type ?? 'unknown',
            Host: s.host ? <Breakable value={s.host} /> : 'unknown',
            Version: s.version ?? 'unknown',
            'Configured endpoint': s.endpoint ? (
              <Breakable value={s.endpoint} />
            ) : (
              '—'
            ),
            'Collate check': s.message ? (
              <Breakable value={s.message} />
            ) : (
              'unknown'
            ),
            ...(component === 'search'
              ? { 'Last reindex': <LastReindex run={s.reindex} /> }
              : {}),
          }}
        />
        {component === 'search' && (
          <ReindexButton run={s.reindex} onDone={refresh} />
        )}
      </>
    )}
  </StatusCard>
);

/** The database, as Collate's system status validates it. @public */
export const CollateDatabaseCard = () => (
  <BackingServiceCard component="database" title="Collate database" />
);

/** The search engine, as Collate's system status validates it. @public */
export const CollateSearchCard = () => (
  <BackingServiceCard component="search" title="Collate search engine" />
);

const CONNECTION_HEALTH: Record<
  CollateRunnerStatus['connection'],
  CollateHealth
> = {
  connected: 'healthy',
  disconnected: 'unhealthy',
  unknown: 'unknown',
};

const registration = (r: CollateRunnerStatus['registration']) => {
  if (!r) return '—';
  if (!r.listed) return 'not listed';
  return r.isDefault ? 'listed, default runner' : 'listed';
};

/**
 * A Hybrid Ingestion Runner: agent id, pods, its connection as the runner reports it, and whether Collate lists it.
 * @public
 */
export const CollateRunnerCard = () => (
  <StatusCard<CollateRunnerStatus>
    title="Hybrid Ingestion Runner"
    component="runner"
  >
    {s => (
      <StructuredMetadataTable
        metadata={{
          'Agent id': s.agentId ?? '—',
          Namespace: s.namespace ?? '—',
          Pods: deploymentRow(s.deployment),
          Connection: (
            <Health health={CONNECTION_HEALTH[s.connection]}>
              {s.connection}
              {s.connectedPods ? ` (pods ${s.connectedPods})` : ''}
            </Health>
          ),
          'In Collate': registration(s.registration),
        }}
      />
    )}
  </StatusCard>
);

const duration = (seconds?: number) => {
  if (seconds === undefined) return '—';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return [h && `${h}h`, (h || m) && `${m}m`, `${s}s`].filter(Boolean).join(' ');
};

const runColumns = (
  refresh: () => void,
  /** Runs come from several clusters or namespaces: say where each one is. */
  showWhere: boolean,
): TableColumn<WorkflowRun>[] => [
  {
    title: 'Status',
    field: 'phase',
    cellStyle: NO_WRAP,
    render: r =>
      r.stale ? (
        <Health health="degraded">{r.phase}, stale</Health>
      ) : (
        <Health health={PHASE_HEALTH[r.phase]}>{r.phase}</Health>
      ),
  },
  {
    title: 'Workflow',
    field: 'name',
    highlight: true,
    // Long generated names wrap after their dashes, never inside a word; the run's logs are linked below its name.
    render: r => (
      <>
        {r.url ? (
          <Link to={r.url}>
            <Breakable value={r.name} />
          </Link>
        ) : (
          <Breakable value={r.name} />
        )}
        {showWhere && (
          <Typography variant="caption" display="block" color="textSecondary">
            {r.cluster ? `${r.cluster}/` : ''}
            {r.namespace}
          </Typography>
        )}
        <RunLogs run={r} />
        {r.stale && (
          <Typography variant="caption" display="block" color="textSecondary">
            {r.stale}
          </Typography>
        )}
      </>
    ),
  },
  { title: 'Progress', field: 'progress', emptyValue: '—', cellStyle: NO_WRAP },
  {
    title: 'Started',
    field: 'startedAt',
    cellStyle: NO_WRAP,
    defaultSort: 'desc',
    render: r => <When at={r.startedAt} />,
  },
  {
    title: 'Duration',
    field: 'durationSeconds',
    cellStyle: NO_WRAP,
    type: 'numeric',
    render: r => duration(r.durationSeconds),
  },
  {
    title: '',
    field: 'name',
    sorting: false,
    width: '40px',
    cellStyle: { padding: 0, width: 40 },
    render: r => <RunActions run={r} onDone={refresh} />,
  },
];

const scheduleColumns: TableColumn<WorkflowSchedule>[] = [
  { title: 'CronWorkflow', field: 'name', highlight: true, cellStyle: NO_WRAP },
  {
    title: 'Schedule',
    field: 'schedule',
    render: s => `${s.schedule}${s.timezone ? ` (${s.timezone})` : ''}`,
  },
  {
    title: 'Next run',
    field: 'nextRun',
    defaultSort: 'asc',
    render: s => (s.suspended ? 'suspended' : <When at={s.nextRun} />),
  },
  {
    title: 'Last scheduled',
    field: 'lastScheduled',
    render: s => <When at={s.lastScheduled} />,
  },
];

const pipelineColumns = (
  refresh: () => void,
): TableColumn<CollatePipeline>[] => [
  {
    title: 'Pipeline',
    field: 'name',
    highlight: true,
    cellStyle: NO_WRAP,
    // Said only when it matters: a pipeline not deployed cannot run until it is.
    render: p => (
      <>
        {p.url ? <Link to={p.url}>{p.name}</Link> : p.name}
        {p.deployed === false && (
          <Typography variant="caption" display="block" color="textSecondary">
            not deployed
          </Typography>
        )}
      </>
    ),
  },
  { title: 'Type', field: 'pipelineType' },
  { title: 'Schedule', field: 'schedule', emptyValue: '—' },
  {
    title: 'Last run',
    field: 'lastState',
    render: p => {
      if (!p.lastState) return '—';
      if (p.stale)
        return (
          <>
            <Health health={p.health ?? 'unknown'}>{p.lastState}, stale</Health>
            <Typography variant="caption" display="block" color="textSecondary">
              {p.stale}
            </Typography>
          </>
        );
      return <Health health={p.health ?? 'unknown'}>{p.lastState}</Health>;
    },
  },
  {
    title: 'At',
    field: 'lastRunAt',
    defaultSort: 'desc',
    render: p => <When at={p.lastRunAt} />,
  },
  {
    title: '',
    field: 'id',
    sorting: false,
    width: '40px',
    cellStyle: { padding: 0, width: 40 },
    render: p => <PipelineActions pipeline={p} onDone={refresh} />,
  },
];

/** Ingestion workflows: latest runs, 24 h counts, schedules and Collate's pipelines. @public */
export const CollateIngestionCard = () => (
  <StatusCard<CollateIngestionStatus>
    title="Ingestion workflows"
    component="ingestion"
  >
    {(s, refresh) => (
      <>
        <Box mb={2}>
          <Typography variant="subtitle2" component="span">
            Last 24 h:{' '}
          </Typography>
          <PhaseCounts counts={s.last24h} />
        </Box>
        {s.runs && (
          <Table<WorkflowRun>
            title="Latest runs"
            options={{ paging: false, search: false, padding: 'dense' }}
            columns={runColumns(
              refresh,
              new Set(s.runs.map(r => `${r.cluster}/${r.namespace}`)).size > 1,
            )}
            data={s.runs}
          />
        )}
        {s.schedules && s.schedules.length > 0 && (
          <Table<WorkflowSchedule>
            title="Schedules"
            options={{ paging: false, search: false, padding: 'dense' }}
            columns={scheduleColumns}
            data={s.schedules}
          />
        )}
        {s.pipelines && (
          <Table<CollatePipeline>
            title={`Collate ingestion pipelines${
              s.pipelinesTruncated ? ' (first ones)' : ''
            }`}
            options={{
              paging: s.pipelines.length > 10,
              pageSize: 10,
              search: false,
              padding: 'dense',
            }}
            columns={pipelineColumns(refresh)}
            data={s.pipelines}
          />
        )}
      </>
    )}
  </StatusCard>
);
