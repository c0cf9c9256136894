import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { UnregisterDeploymentResult } from '@collate-backstage/plugin-collate-common';
import {
  deploymentName,
  deploymentsRequest,
  nameInput,
  type CatalogActionOptions,
} from '../../lib/catalogDeployments';
import { examples } from './catalogUnregister.examples';

/**
 * `collate:catalog:unregister`: removes the entities a deployment registered from the catalog, when the deployment
 * is decommissioned. Removing a deployment that is not registered succeeds and does nothing.
 *
 * @public
 */
export function createCollateCatalogUnregisterAction(
  options: CatalogActionOptions,
) {
  return createTemplateAction({
    id: 'collate:catalog:unregister',
    description:
      'Removes the catalog entities of a Collate deployment registered with collate:catalog:register. Idempotent; dry-run lists what would be removed.',
    supportsDryRun: true,
    examples,
    schema: {
      input: { name: nameInput },
      output: {
        removedEntityRefs: z =>
          z.array(z.string()).describe('Entities removed from the catalog'),
        existed: z =>
          z.boolean().describe('False when the deployment was not registered'),
      },
    },
    async handler(ctx) {
      const name = deploymentName(ctx.input.name);
      const result = await deploymentsRequest<UnregisterDeploymentResult>(
        options,
        'DELETE',
        name,
        ctx.isDryRun ?? false,
      );
      const verb = ctx.isDryRun ? 'would remove' : 'removed';
      ctx.logger.info(
        result.existed
          ? `${verb}: ${result.removedEntityRefs.join(', ')}`
          : `deployment ${name} is not registered: nothing to remove`,
      );
      ctx.output('removedEntityRefs', result.removedEntityRefs);
      ctx.output('existed', result.existed);
    },
  });
}
