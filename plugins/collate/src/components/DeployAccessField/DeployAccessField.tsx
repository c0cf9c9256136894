import { useEffect, useState } from 'react';
import { Progress, WarningPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import {
  COLLATE_ACTION_IDS,
  type CollateDeployAccess,
} from '@collate-backstage/plugin-collate-common';
import Typography from '@material-ui/core/Typography';
import { collateStatusApiRef } from '../../api';

/** What a person who may not deploy reads, and whom to ask. */
export function refusalMessage(access: CollateDeployAccess): string {
  const who = access.deployers.length
    ? `Only members of ${access.deployers.join(', ')} may run them`
    : 'No group is configured as a Collate deployer (collate.permissions.deployers)';
  const actions =
    access.refusedActions.length === COLLATE_ACTION_IDS.length
      ? 'every Collate action (collate:*)'
      : `the Collate actions ${access.refusedActions.join(', ')}`;
  return `The portal's permission policy refuses you ${actions}, which the Collate templates run. ${who}; ask them, or your portal's administrators, to add you. Nothing would be created.`;
}

/**
 * `ui:field: CollateDeployAccess`, on a Collate template's first page: asks the collate backend whether the signed-in
 * user may run the Collate actions (as the scaffolder will ask the permission policy), says so, and holds the form
 * on this page when not, so that nobody fills in a deployment only to see its task refused.
 */
export function DeployAccessField(
  props: FieldExtensionComponentProps<boolean>,
) {
  const { onChange } = props;
  const api = useApi(collateStatusApiRef);
  const [answer, setAnswer] = useState<
    { access: CollateDeployAccess } | { error: Error }
  >();
  useEffect(() => {
    let current = true;
    api.getDeployAccess().then(
      access => current && setAnswer({ access }),
      error => current && setAnswer({ error }),
    );
    return () => {
      current = false;
    };
  }, [api]);
  const allowed = answer && 'access' in answer && answer.access.allowed;
  useEffect(() => {
    // Unknown (the question failed): the scaffolder's own check at each step decides.
    if (answer) onChange('error' in answer ? true : answer.access.allowed);
  }, [answer, onChange]);

  if (!answer) return <Progress />;
  if ('error' in answer) {
    return (
      <WarningPanel
        severity="warning"
        title="Could not ask whether you may run the Collate templates"
        message={`${answer.error.message}. The scaffolder still checks each Collate step when the task runs.`}
      />
    );
  }
  if (!allowed) {
    return (
      <WarningPanel
        severity="error"
        title="You may not run this template"
        message={refusalMessage(answer.access)}
        defaultExpanded
      />
    );
  }
  return (
    <Typography variant="body2" color="textSecondary">
      You may run this template: the permission policy allows you the Collate
      actions.
    </Typography>
  );
}
