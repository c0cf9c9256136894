import { usePermission } from '@backstage/plugin-permission-react';
import {
  collatePipelinePermissions,
  type CollatePipeline,
  type CollatePipelineOperation,
} from '@collate-backstage/plugin-collate-common';
import { OperationsMenu } from './OperationsMenu';
import { useEntityAction } from '../../hooks/useEntityAction';

const LABELS: Record<CollatePipelineOperation, string> = {
  trigger: 'Run now',
  deploy: 'Deploy',
};

/** What each operation does, in Collate's terms, for the confirmation. */
const EXPLAIN: Record<CollatePipelineOperation, string> = {
  trigger:
    'Collate starts a run of this ingestion pipeline now, outside its schedule.',
  deploy:
    "Collate (re)deploys this pipeline to its pipeline service, with the pipeline's current configuration and schedule.",
};

/**
 * A Collate ingestion pipeline's actions menu in the ingestion card: run now (only once deployed) and deploy, as the
 * user's permissions (`collate.pipeline.<operation>`) permit, each after a confirmation.
 */
export const PipelineActions = ({
  pipeline,
  onDone,
}: {
  pipeline: CollatePipeline;
  onDone: () => void;
}) => {
  const { entityRef, busy, perform } = useEntityAction();
  const allowed: Record<CollatePipelineOperation, boolean> = {
    trigger: usePermission({
      permission: collatePipelinePermissions.trigger,
      resourceRef: entityRef,
    }).allowed,
    deploy: usePermission({
      permission: collatePipelinePermissions.deploy,
      resourceRef: entityRef,
    }).allowed,
  };
  // Collate refuses to run a pipeline its pipeline service does not have yet.
  const applicable: CollatePipelineOperation[] =
    pipeline.deployed === false ? ['deploy'] : ['trigger', 'deploy'];
  return (
    <OperationsMenu<CollatePipelineOperation>
      subject={pipeline.name}
      operations={applicable.filter(op => allowed[op])}
      label={op => LABELS[op]}
      explain={op => EXPLAIN[op]}
      busy={busy}
      perform={async operation => {
        const done = await perform(
          api => api.operatePipeline(entityRef, pipeline.id, operation),
          result => ({
            message: `${LABELS[operation]}: ${
              result.reason ?? `${pipeline.name} ${operation} accepted`
            }.`,
          }),
          `${LABELS[operation]} of ${pipeline.name} failed`,
        );
        if (done) onDone();
        return done;
      }}
    />
  );
};
