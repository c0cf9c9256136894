import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { KubernetesObject } from '@kubernetes/client-node';
import { createHash } from 'node:crypto';
import { parseAllDocuments } from 'yaml';
import { applyObjects, validateObject } from '../../lib/apply';
import { clusterInput } from '../../lib/kubernetes';
import type { ClusterActionOptions } from '../../lib/kubernetes';
import { assertDnsLabel } from '../../lib/validation';
import { examples } from './apply.examples';
import { assertDeployment, deploymentInput } from '../../lib/markers';

/** Parses `manifests` (objects) or `yaml` (one or more documents) into objects, defaulting the namespace. */
export function collectObjects(input: {
  manifests?: unknown[];
  yaml?: string;
  namespace?: string;
}): KubernetesObject[] {
  if (!input.manifests?.length && !input.yaml?.trim()) {
    throw new InputError("Invalid input: give 'manifests' or 'yaml'");
  }
  let fromYaml: unknown[] = [];
  if (input.yaml) {
    fromYaml = parseAllDocuments(input.yaml).flatMap(doc => {
      if (doc.errors.length > 0) {
        throw new InputError(
          `Invalid input 'yaml': ${doc.errors[0].message.split('\n')[0]}`,
        );
      }
      const value = doc.toJS();
      return value === null || value === undefined ? [] : [value];
    });
  }
  return [...(input.manifests ?? []), ...fromYaml].map((raw, i) => {
    const obj = validateObject(raw, i);
    if (
      input.namespace &&
      !obj.metadata!.namespace &&
      obj.kind !== 'Namespace'
    ) {
      return {
        ...obj,
        metadata: { ...obj.metadata, namespace: input.namespace },
      };
    }
    return obj;
  });
}

/**
 * `collate:kubernetes:apply`: server-side applies manifests to a configured cluster, changing only what differs.
 * @public
 */
export function createKubernetesApplyAction(options: ClusterActionOptions) {
  return createTemplateAction({
    id: 'collate:kubernetes:apply',
    description:
      "Server-side applies Kubernetes manifests (objects or YAML) to a cluster configured under kubernetes.clusterLocatorMethods. Idempotent: objects the apply would not change are not written. Dry-run uses the API server's own dryRun=All.",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        cluster: clusterInput,
        deployment: deploymentInput,
        manifests: z =>
          z
            .array(z.record(z.any()))
            .optional()
            .describe('Kubernetes objects to apply, in order'),
        yaml: z =>
          z
            .string()
            .optional()
            .describe(
              'One or more YAML documents to apply after `manifests`, in order',
            ),
        namespace: z =>
          z
            .string()
            .optional()
            .describe('Namespace for namespaced objects that do not name one'),
      },
      output: {
        objects: z =>
          z
            .array(
              z.object({
                apiVersion: z.string(),
                kind: z.string(),
                namespace: z.string().optional(),
                name: z.string(),
                action: z.enum(['create', 'update', 'unchanged']),
              }),
            )
            .describe(
              'Every object, with what was (or, in dry-run, would be) done to it',
            ),
      },
    },
    async handler(ctx) {
      if (ctx.input.namespace) assertDnsLabel('namespace', ctx.input.namespace);
      assertDeployment(ctx.input.deployment);
      const objects = collectObjects(ctx.input);
      const kc = await options.clusters.serverKubeConfig(ctx.input.cluster);
      const digest = createHash('sha256')
        .update(JSON.stringify(objects))
        .digest('hex')
        .slice(0, 16);
      const run = async () =>
        (
          await applyObjects(kc, objects, {
            dryRun: Boolean(ctx.isDryRun),
            logger: ctx.logger,
            deployment: ctx.input.deployment,
          })
        ).map(r => ({
          ...r.ref,
          action: r.action,
        }));
      const results = ctx.isDryRun
        ? await run()
        : await ctx.checkpoint({
            key: `kubernetes.apply.${ctx.input.cluster}.${digest}`,
            fn: run,
          });
      ctx.output('objects', results);
    },
  });
}
