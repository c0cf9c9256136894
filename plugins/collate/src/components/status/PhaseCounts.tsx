import Chip from '@material-ui/core/Chip';
import type {
  CollateDeploymentStatus,
  WorkflowPhase,
} from '@collate-backstage/plugin-collate-common';
import { Replicas } from './StatusCard';

const PHASE_ORDER: WorkflowPhase[] = [
  'Running',
  'Pending',
  'Succeeded',
  'Failed',
  'Error',
  'Unknown',
];

/** Counts by phase as chips, in a fixed order. */
export const PhaseCounts = ({
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

/** A Deployment's pods as `ready/desired` with the health they imply, or `—` without one. */
export const DeploymentPods = ({
  deployment,
}: {
  deployment?: CollateDeploymentStatus;
}) =>
  deployment ? (
    <Replicas ready={deployment.ready} desired={deployment.desired} />
  ) : (
    <>—</>
  );
