import { ResponseErrorPanel, WarningPanel } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import { ResponseError } from '@backstage/errors';

/**
 * Why a card has no status: for a refusal (403) what the permission policy asks and whom to ask, instead of the
 * error's name and stack; anything else as Backstage shows response errors.
 */
export function StatusProblem({ error }: { error: Error }) {
  const { entity } = useEntity();
  if (error instanceof ResponseError && error.statusCode === 403) {
    const owner = entity.spec?.owner;
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
