import { OperationsMenu } from './OperationsMenu';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  collateWorkflowPermissions,
  type CollateWorkflowOperation,
  type WorkflowPhase,
  type WorkflowRun,
} from '@collate-backstage/plugin-collate-common';
import { useEntityAction } from '../../hooks/useEntityAction';

/** What can be done to a run in each phase, in the order offered. */
const OPERATIONS: Record<WorkflowPhase, CollateWorkflowOperation[]> = {
  Pending: ['stop', 'terminate'],
  Running: ['stop', 'terminate'],
  Failed: ['retry', 'resubmit'],
  Error: ['retry', 'resubmit'],
  Succeeded: ['resubmit'],
  Unknown: [],
};

const LABELS: Record<CollateWorkflowOperation, string> = {
  retry: 'Retry',
  resubmit: 'Resubmit',
  stop: 'Stop',
  terminate: 'Terminate',
};

/** What each operation does, in Argo's terms, for the confirmation. */
const EXPLAIN: Record<CollateWorkflowOperation, string> = {
  retry:
    'Argo runs the failed steps of this workflow again, keeping the ones that succeeded.',
  resubmit:
    'Argo starts a new workflow from the same specification; this one stays as it is.',
  stop: 'Argo stops scheduling new steps and runs the exit handlers; running steps are stopped.',
  terminate:
    'Argo ends the workflow at once, without running its exit handlers.',
};

/** The operations the signed-in user may perform on this entity's workflows. */
function useAllowedOperations(entityRef: string) {
  const allowed = {
    retry: usePermission({
      permission: collateWorkflowPermissions.retry,
      resourceRef: entityRef,
    }).allowed,
    resubmit: usePermission({
      permission: collateWorkflowPermissions.resubmit,
      resourceRef: entityRef,
    }).allowed,
    stop: usePermission({
      permission: collateWorkflowPermissions.stop,
      resourceRef: entityRef,
    }).allowed,
    terminate: usePermission({
      permission: collateWorkflowPermissions.terminate,
      resourceRef: entityRef,
    }).allowed,
  };
  return (op: CollateWorkflowOperation) => allowed[op];
}

/**
 * A run's actions menu in the ingestion card: retry, resubmit, stop or terminate as its phase allows and the user's
 * permissions (`collate.workflow.<operation>`) permit, each after a confirmation. Nothing when none applies.
 */
export const RunActions = ({
  run,
  onDone,
}: {
  run: WorkflowRun;
  onDone: () => void;
}) => {
  const { entityRef, busy, perform } = useEntityAction();
  const may = useAllowedOperations(entityRef);
  return (
    <OperationsMenu<CollateWorkflowOperation>
      subject={run.name}
      operations={(OPERATIONS[run.phase] ?? []).filter(may)}
      label={op => LABELS[op]}
      explain={op => EXPLAIN[op]}
      busy={busy}
      perform={async operation => {
        const done = await perform(
          api =>
            api.operateWorkflow(entityRef, run.name, operation, {
              cluster: run.cluster,
              namespace: run.namespace,
            }),
          result => ({
            message:
              result.workflow === run.name
                ? `${LABELS[operation]}: ${run.name} is ${
                    result.phase ?? 'updated'
                  }.`
                : `${LABELS[operation]}: new workflow ${result.workflow}.`,
          }),
          `${LABELS[operation]} of ${run.name} failed`,
        );
        if (done) onDone();
        return done;
      }}
    />
  );
};
