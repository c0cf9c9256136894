import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { Table } from '@backstage/core-components';
import type {
  CollateIngestionStatus,
  CollatePipeline,
  WorkflowRun,
  WorkflowSchedule,
} from '@collate-backstage/plugin-collate-common';
import { PhaseCounts } from '../status/PhaseCounts';
import { RunHistoryChart } from '../RunHistory';
import { StatusCard } from '../status/StatusCard';
import { pipelineColumns, runColumns, scheduleColumns } from './columns';

/** Ingestion workflows: 24 h counts, 14 days of outcomes and durations, latest runs, schedules and Collate's pipelines. @public */
export const CollateIngestionCard = () => (
  <StatusCard<CollateIngestionStatus> component="ingestion">
    {(s, refresh) => (
      <>
        <Box mb={2}>
          <Typography variant="subtitle2" component="span">
            Last 24 h:{' '}
          </Typography>
          <PhaseCounts counts={s.last24h} />
        </Box>
        <RunHistoryChart />
        {s.notFollowed?.map(line => (
          <Typography
            key={line}
            variant="body2"
            color="textSecondary"
            gutterBottom
          >
            {line}
          </Typography>
        ))}
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
