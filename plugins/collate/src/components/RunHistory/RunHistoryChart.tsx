import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import type {
  CollateRunDay,
  CollateRunHistory,
} from '@collate-backstage/plugin-collate-common';
import { useEffect, useState } from 'react';
import {
  Bar,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { collateStatusApiRef, useUserAuth } from '../../api';
import { formatDuration } from '../../utils/format';
import { describeRuns, useRunColors } from './runColors';

/** `2026-12-05` → `5 Dec`: the axis' day labels. */
const dayLabel = (date: string) =>
  new Date(`${date}T00:00:00Z`).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'short',
    timeZone: 'UTC',
  });

/** Where the runs came from, in a line: the archive, or live workflows and why. */
function sourcesLine(history: CollateRunHistory) {
  return history.sources
    .map(s => {
      const where = history.sources.length > 1 ? `${s.location}: ` : '';
      const from =
        s.source === 'archive'
          ? `${s.runs} runs from Argo's workflow archive`
          : `${s.runs} runs from live workflows`;
      return `${where}${from}${s.note ? `. ${s.note}` : ''}`;
    })
    .join(' · ');
}

const LEGEND_ORDER = ['Succeeded', 'Failed', 'Median duration'];

/** The chart itself: succeeded and failed runs per day (stacked bars) and the median run duration (a line). */
export const RunHistoryBars = ({ days }: { days: CollateRunDay[] }) => {
  const colors = useRunColors();
  const withDurations = days.some(d => d.medianDurationSeconds !== undefined);
  const data = days.map(d => ({
    ...d,
    label: dayLabel(d.date),
    medianMinutes:
      d.medianDurationSeconds === undefined
        ? undefined
        : d.medianDurationSeconds / 60,
  }));
  return (
    <Box
      role="img"
      aria-label={`Ingestion runs per day, ${describeRuns(days)}`}
    >
      <ResponsiveContainer width="100%" height={220}>
        <ComposedChart
          data={data}
          margin={{ top: 8, right: 8, bottom: 0, left: 0 }}
        >
          <CartesianGrid stroke={colors.grid} vertical={false} />
          <XAxis
            dataKey="label"
            tick={{ fill: colors.text, fontSize: 12 }}
            interval="preserveStartEnd"
          />
          <YAxis
            yAxisId="runs"
            allowDecimals={false}
            width={32}
            tick={{ fill: colors.text, fontSize: 12 }}
          />
          {withDurations && (
            <YAxis
              yAxisId="minutes"
              orientation="right"
              width={40}
              unit=" m"
              tick={{ fill: colors.text, fontSize: 12 }}
            />
          )}
          <Tooltip
            formatter={(value, name, item) =>
              name === 'Median duration'
                ? formatDuration(
                    (item.payload as CollateRunDay).medianDurationSeconds,
                  )
                : value
            }
          />
          <Legend
            wrapperStyle={{ fontSize: 12 }}
            // In the order drawn: succeeded, failed, then the duration line.
            itemSorter={item => LEGEND_ORDER.indexOf(String(item.value))}
          />
          <Bar
            yAxisId="runs"
            dataKey="succeeded"
            name="Succeeded"
            stackId="runs"
            fill={colors.succeeded}
            isAnimationActive={false}
          />
          <Bar
            yAxisId="runs"
            dataKey="failed"
            name="Failed"
            stackId="runs"
            fill={colors.failed}
            isAnimationActive={false}
          />
          {withDurations && (
            <Line
              yAxisId="minutes"
              dataKey="medianMinutes"
              name="Median duration"
              stroke={colors.duration}
              strokeDasharray="4 3"
              dot={{ r: 2 }}
              connectNulls
              isAnimationActive={false}
            />
          )}
        </ComposedChart>
      </ResponsiveContainer>
    </Box>
  );
};

/**
 * The entity's ingestion runs of the last 14 days: outcomes per day and the median duration, from Argo's workflow
 * archive (or the live workflows, as the line under the chart says).
 */
export const RunHistoryChart = () => {
  const api = useApi(collateStatusApiRef);
  const { entity } = useEntity();
  const userAuth = useUserAuth();
  const [state, setState] = useState<{
    value?: CollateRunHistory;
    error?: Error;
  }>({});
  useEffect(() => {
    let live = true;
    userAuth(entity)
      .then(auth => api.getRunHistory(stringifyEntityRef(entity), { auth }))
      .then(
        value => live && setState({ value }),
        error => live && setState({ error }),
      );
    return () => {
      live = false;
    };
  }, [api, entity, userAuth]);
  if (state.error) return <ResponseErrorPanel error={state.error} />;
  if (!state.value) return <Progress />;
  return (
    <Box mb={2}>
      <Typography variant="subtitle2">Last 14 days</Typography>
      <RunHistoryBars days={state.value.days} />
      <Typography variant="caption" color="textSecondary">
        {sourcesLine(state.value)}
      </Typography>
    </Box>
  );
};
