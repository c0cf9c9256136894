import { Link, StructuredMetadataTable } from '@backstage/core-components';
import type { CollateArgoStatus } from '@collate-backstage/plugin-collate-common';
import { DeploymentPods, PhaseCounts } from '../status/PhaseCounts';
import { Breakable, StatusCard } from '../status/StatusCard';

/** Argo Workflows: server and controller pods, server version, workflows by phase. @public */
export const CollateArgoCard = () => (
  <StatusCard<CollateArgoStatus> component="argo">
    {s => (
      <StructuredMetadataTable
        metadata={{
          Namespace: s.namespace ?? '—',
          'Argo server': <DeploymentPods deployment={s.server} />,
          'Workflow controller': <DeploymentPods deployment={s.controller} />,
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
