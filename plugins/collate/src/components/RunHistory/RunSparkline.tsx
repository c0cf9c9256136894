import type { CollateRunDay } from '@collate-backstage/plugin-collate-common';
import { Bar, BarChart, Tooltip } from 'recharts';
import { describeRuns, useRunColors } from './runColors';

/** A row's last days of ingestion in a glance: a small stacked bar per day, succeeded under failed. */
export const RunSparkline = ({ days }: { days: CollateRunDay[] }) => {
  const colors = useRunColors();
  return (
    <div role="img" aria-label={describeRuns(days)} title={describeRuns(days)}>
      <BarChart
        width={84}
        height={28}
        data={days}
        margin={{ top: 1, right: 0, bottom: 1, left: 0 }}
        barCategoryGap={1}
      >
        <Tooltip
          cursor={false}
          wrapperStyle={{ fontSize: 12, zIndex: 10 }}
          labelFormatter={(_, payload) =>
            (payload?.[0]?.payload as CollateRunDay | undefined)?.date ?? ''
          }
        />
        <Bar
          dataKey="succeeded"
          name="Succeeded"
          stackId="runs"
          fill={colors.succeeded}
          isAnimationActive={false}
        />
        <Bar
          dataKey="failed"
          name="Failed"
          stackId="runs"
          fill={colors.failed}
          isAnimationActive={false}
        />
      </BarChart>
    </div>
  );
};
