import Typography from '@material-ui/core/Typography';
import { ResponseErrorPanel, WarningPanel } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import { ResponseError } from '@backstage/errors';
import { COLLATE_UNBOUND_REFUSAL } from '@collate-backstage/plugin-collate-common';

/**
 * Why a card has no status: for an entity the backend does not act on, how to register or adopt it; for a refusal
 * (403) what the permission policy asks and whom to ask, instead of the
 * error's name and stack; anything else as Backstage shows response errors. `compact` (a component card, beside the
 * overview that explains) says it in one line.
 */
export function StatusProblem({
  error,
  compact = false,
}: {
  error: Error;
  compact?: boolean;
}) {
  const { entity } = useEntity();
  if (
    error instanceof ResponseError &&
    error.statusCode === 403 &&
    error.body.error.message.includes(COLLATE_UNBOUND_REFUSAL)
  ) {
    // Not a question of who asks: the backend acts on no one's behalf on a deployment it does not know.
    return compact ? (
      <Typography variant="body2" color="textSecondary">
        This entity is not a Collate deployment the portal manages.
      </Typography>
    ) : (
      <WarningPanel
        severity="warning"
        title="This entity is not a Collate deployment the portal manages"
        message={error.body.error.message}
        defaultExpanded
      />
    );
  }
  if (error instanceof ResponseError && error.statusCode === 403) {
    const owner = entity.spec?.owner;
    if (compact) {
      return (
        <Typography variant="body2" color="textSecondary">
          You may not see this deployment&apos;s status
          {owner ? `: ask its owners (${owner})` : ''}.
        </Typography>
      );
    }
    return (
      <WarningPanel
        severity="info"
        title="You may not see this deployment's status"
        message={`The portal's permission policy (collate.status.read) lets the deployment's owners${
          owner ? ` (${owner})` : ''
        } and the configured Collate viewer and deployer groups read it. Ask its owners for access.`}
        defaultExpanded
      />
    );
  }
  return <ResponseErrorPanel error={error} />;
}
