import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { AnnotateDeploymentResult } from '@collate-backstage/plugin-collate-common';
import {
  deploymentName,
  deploymentsRequest,
  nameInput,
  SECRET_LIKE,
  type CatalogActionOptions,
} from '../../lib/catalogDeployments';
import { fail } from '../../lib/validation';
import { examples } from './catalogAnnotate.examples';

/**
 * `collate:catalog:annotate`: sets `collate.io/*` annotations on a registered deployment's entities (where they are,
 * or on its System), e.g. the chart version after an upgrade. Idempotent; dry-run lists the entities it would change.
 *
 * @public
 */
export function createCollateCatalogAnnotateAction(
  options: CatalogActionOptions,
) {
  return createTemplateAction({
    id: 'collate:catalog:annotate',
    description:
      "Sets collate.io/* annotations on the entities of a Collate deployment registered with collate:catalog:register: on the entities that carry the annotation, or on the deployment's System when none does. Idempotent; dry-run lists the entities that would change.",
    supportsDryRun: true,
    examples,
    schema: {
      input: {
        name: nameInput,
        annotations: z =>
          z
            .record(
              z
                .string()
                .regex(/^collate\.io\/[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/),
              z.string().max(1024),
            )
            .describe('collate.io/* annotations and their values'),
      },
      output: {
        entityRefs: z =>
          z.array(z.string()).describe('Entities whose annotations changed'),
        action: z => z.enum(['update', 'unchanged']),
      },
    },
    async handler(ctx) {
      const name = deploymentName(ctx.input.name);
      const annotations = ctx.input.annotations as Record<string, string>;
      for (const [key, value] of Object.entries(annotations ?? {})) {
        if (!/^collate\.io\/[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(key))
          fail(`annotations.${key}`, 'only collate.io/ annotations');
        if (typeof value !== 'string' || SECRET_LIKE.test(value))
          fail(`annotations.${key}`, 'a plain string that is not a credential');
      }
      if (!annotations || Object.keys(annotations).length === 0)
        fail('annotations', 'at least one annotation');
      const result = await deploymentsRequest<AnnotateDeploymentResult>(
        options,
        'PATCH',
        name,
        ctx.isDryRun ?? false,
        { annotations },
      );
      const set = Object.entries(annotations)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ');
      ctx.logger.info(
        result.action === 'unchanged'
          ? `unchanged: ${set} already on deployment ${name}`
          : `${
              ctx.isDryRun ? 'would set' : 'set'
            } ${set} on ${result.entityRefs.join(', ')}`,
      );
      ctx.output('entityRefs', result.entityRefs);
      ctx.output('action', result.action);
    },
  });
}
