import { StructuredMetadataTable } from '@backstage/core-components';
import {
  RUNNER_CONNECTION_HEALTH,
  type CollateRunnerStatus,
} from '@collate-backstage/plugin-collate-common';
import { DeploymentPods } from '../status/PhaseCounts';
import { Health, StatusCard } from '../status/StatusCard';

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
  <StatusCard<CollateRunnerStatus> component="runner">
    {s => (
      <StructuredMetadataTable
        metadata={{
          'Agent id': s.agentId ?? '—',
          Namespace: s.namespace ?? '—',
          Pods: <DeploymentPods deployment={s.deployment} />,
          Connection: (
            <Health health={RUNNER_CONNECTION_HEALTH[s.connection]}>
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
