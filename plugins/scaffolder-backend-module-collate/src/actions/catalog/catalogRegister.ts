import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { RegisterDeploymentResult } from '@collate-backstage/plugin-collate-common';
import {
  awaitVisible,
  deploymentName,
  deploymentsRequest,
  nameInput,
  validateEntities,
  type CatalogActionOptions,
} from '../../lib/catalogDeployments';
import { examples } from './catalogRegister.examples';
import { nameList } from '../../lib/schema';

/**
 * `collate:catalog:register`: registers what a template deployed (a System with its Components and Resources) in
 * the catalog, without a Git repository: the catalog module of this plugin set keeps the entities and provides them
 * to the catalog. A re-run with the same entities changes nothing; entities dropped from the list are removed.
 *
 * @public
 */
export function createCollateCatalogRegisterAction(
  options: CatalogActionOptions,
) {
  return createTemplateAction({
    id: 'collate:catalog:register',
    description:
      'Registers the entities of a Collate deployment (System, Components, Resources with the collate.io/* annotations the status cards read) in the catalog, through the Collate catalog module. Idempotent; dry-run reports whether they would be created, updated or left unchanged.',
    supportsDryRun: true,
    examples,
    schema: {
      input: {
        name: nameInput,
        entities: z =>
          z
            .array(z.record(z.unknown()))
            .min(1)
            .max(50)
            .describe('The catalog entities to register (at most 50)'),
      },
      output: {
        entityRefs: z => z.array(z.string()).describe('Registered entities'),
        entityRef: z =>
          z.string().describe('The first entity (the System) for links'),
        removedEntityRefs: nameList(
          'Entities of an earlier run that are no longer part of the deployment',
        ),
        action: z => z.enum(['create', 'update', 'unchanged']),
      },
    },
    async handler(ctx) {
      const name = deploymentName(ctx.input.name);
      const entities = validateEntities(ctx.input.entities);
      const result = await deploymentsRequest<RegisterDeploymentResult>(
        options,
        'PUT',
        name,
        ctx.isDryRun ?? false,
        { entities },
      );
      const verb = ctx.isDryRun ? 'would' : 'did';
      ctx.logger.info(
        `${
          result.action === 'unchanged'
            ? 'unchanged'
            : `${verb} ${result.action}`
        }: ${result.entityRefs.join(', ')}${
          result.removedEntityRefs.length
            ? `; ${verb} remove ${result.removedEntityRefs.join(', ')}`
            : ''
        }`,
      );
      if (!ctx.isDryRun)
        await awaitVisible(options, result.entityRefs, ctx.logger);
      ctx.output('entityRefs', result.entityRefs);
      ctx.output('entityRef', result.entityRefs[0]);
      ctx.output('removedEntityRefs', result.removedEntityRefs);
      ctx.output('action', result.action);
    },
  });
}
