import Typography from '@material-ui/core/Typography';
import { Link, type TableColumn } from '@backstage/core-components';
import {
  WORKFLOW_PHASE_HEALTH,
  type CollatePipeline,
  type WorkflowRun,
  type WorkflowSchedule,
} from '@collate-backstage/plugin-collate-common';
import { formatDuration, NO_WRAP, noWrap } from '../../utils/format';
import { PipelineActions } from '../status/PipelineActions';
import { RunActions } from '../status/RunActions';
import { RunLogs } from '../status/RunLogs';
import { Breakable, Health, When } from '../status/StatusCard';

/* The columns of the ingestion card's tables: runs, schedules and Collate's pipelines. */

export const runColumns = (
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
        <Health health={WORKFLOW_PHASE_HEALTH[r.phase]}>{r.phase}</Health>
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
    render: r => formatDuration(r.durationSeconds),
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

export const scheduleColumns: TableColumn<WorkflowSchedule>[] = [
  {
    title: 'CronWorkflow',
    field: 'name',
    highlight: true,
    cellStyle: noWrap(),
  },
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

export const pipelineColumns = (
  refresh: () => void,
): TableColumn<CollatePipeline>[] => [
  {
    title: 'Pipeline',
    field: 'name',
    highlight: true,
    cellStyle: noWrap(),
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
            <div style={NO_WRAP}>
              <Health health={p.health ?? 'unknown'}>
                {p.lastState}, stale
              </Health>
            </div>
            <Typography variant="caption" display="block" color="textSecondary">
              {p.stale}
            </Typography>
          </>
        );
      // The state stays on one line beside its icon.
      return (
        <div style={NO_WRAP}>
          <Health health={p.health ?? 'unknown'}>{p.lastState}</Health>
        </div>
      );
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
