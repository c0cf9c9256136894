import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { applyObjects } from '../../lib/apply';
import { withDefaults } from '../../lib/defaults';
import { clusterInput } from '../../lib/kubernetes';
import type { ClusterActionOptions } from '../../lib/kubernetes';
import { logChange } from '../../lib/plan';
import { assertDnsLabel, assertDnsSubdomain, fail } from '../../lib/validation';
import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  allowedRegistries,
  ecrSecretObject,
  GUIDE_ECR_REGISTRY,
  needsRenewal,
  parseRegistry,
  readSecret,
} from '../../ecr/pullSecret';
import type { PullSecretRecord } from '../../ecr/pullSecretStore';
import { examples } from './ecrPullSecret.examples';
import { assertDeployment, deploymentInput } from '../../lib/markers';

export const ECR_DEFAULTS = {
  secretName: 'ecr-registry-creds',
  registry: GUIDE_ECR_REGISTRY,
};

/**
 * `collate:aws:ecr:pull-secret`: the `ecr-registry-creds` docker-registry secret from an ECR authorization token (guides
 * 000/001), labelled as managed so the backend renews it well before the token's 12 hours run out.
 * @public
 */
export function createAwsEcrPullSecretAction(options: ClusterActionOptions) {
  return createTemplateAction({
    id: 'collate:aws:ecr:pull-secret',
    description:
      'Creates the docker-registry pull secret for an ECR registry (kubectl create secret docker-registry ecr-registry-creds) and marks it for the scheduled renewal, so pods never meet an expired token. Idempotent: a secret with more than 6 hours left is left alone.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        cluster: clusterInput,
        deployment: deploymentInput,
        namespace: z =>
          z
            .string()
            .describe('Namespace of the workloads that pull (guides: collate)'),
        secretName: z =>
          z
            .string()
            .default(ECR_DEFAULTS.secretName)
            .describe('Secret name (guides: ecr-registry-creds)'),
        registry: z =>
          z
            .string()
            .default(ECR_DEFAULTS.registry)
            .describe(
              "ECR registry host (guides: Collate's registry in eu-west-1)",
            ),
      },
      output: {
        secretName: z =>
          z
            .string()
            .describe(
              'The pull secret (imagePullSecrets / ARGO_IMAGE_PULL_SECRETS)',
            ),
        expiresAt: z =>
          z
            .string()
            .describe(
              'When the current token expires (ISO 8601); renewal happens well before',
            ),
      },
    },
    async handler(ctx) {
      const input = withDefaults(ctx.input, ECR_DEFAULTS);
      assertDnsLabel('namespace', input.namespace);
      assertDnsSubdomain('secretName', input.secretName);
      assertDeployment(ctx.input.deployment);
      if (!parseRegistry(input.registry))
        fail(
          'registry',
          `'${input.registry}' is not an ECR registry host such as 123456789012.dkr.ecr.eu-west-1.amazonaws.com`,
        );
      const allowed = allowedRegistries(options.config);
      if (!allowed.includes(input.registry))
        fail(
          'registry',
          `${
            input.registry
          } is not under collate.ecr.allowedRegistries (${allowed.join(
            ', ',
          )}): the backend hands ECR tokens for those registries only`,
        );
      const record = {
        cluster: input.cluster,
        namespace: input.namespace,
        name: input.secretName,
        registry: input.registry,
      };
      const kc = await options.clusters.serverKubeConfig(input.cluster);
      const current = await readSecret(kc, input.namespace, input.secretName);
      const resource = `Secret ${input.namespace}/${input.secretName} (ECR ${input.registry})`;
      const sameRegistry =
        current?.metadata?.labels?.['collate.io/ecr-registry'] ===
        input.registry;
      if (current && sameRegistry && !needsRenewal(current)) {
        logChange(
          ctx.logger,
          { action: 'unchanged', resource },
          Boolean(ctx.isDryRun),
        );
        if (!ctx.isDryRun) await recordForRenewal(options, record, ctx.logger);
        ctx.output('secretName', input.secretName);
        ctx.output(
          'expiresAt',
          current.metadata!.annotations!['collate.io/ecr-token-expires-at'],
        );
        return;
      }
      logChange(
        ctx.logger,
        {
          action: current ? 'update' : 'create',
          resource,
          ...(current
            ? {
                changes: { token: { current: 'expiring', desired: 'renewed' } },
              }
            : {}),
        },
        Boolean(ctx.isDryRun),
      );
      if (ctx.isDryRun) {
        ctx.output('secretName', input.secretName);
        ctx.output(
          'expiresAt',
          new Date(Date.now() + 12 * 3600 * 1000).toISOString(),
        );
        return;
      }
      const expiresAt = await ctx.checkpoint({
        key: `aws.ecr.pull-secret.${input.cluster}.${input.namespace}.${input.secretName}`,
        fn: async () => {
          const { object, expiresAt: expires } = await ecrSecretObject(
            options.config,
            {
              registry: input.registry,
              namespace: input.namespace,
              name: input.secretName,
            },
          );
          await applyObjects(kc, [object], {
            dryRun: false,
            logger: ctx.logger,
            deployment: ctx.input.deployment,
          });
          return expires.toISOString();
        },
      });
      await recordForRenewal(options, record, ctx.logger);
      ctx.output('secretName', input.secretName);
      ctx.output('expiresAt', expiresAt);
    },
  });
}

/** Records the secret for the scheduled renewal, which renews nothing else. */
async function recordForRenewal(
  options: ClusterActionOptions,
  record: PullSecretRecord,
  logger: LoggerService,
) {
  if (options.pullSecrets) await options.pullSecrets.add(record);
  else
    logger.warn(
      `${record.namespace}/${record.name} is not recorded for renewal: this portal's scaffolder module has no database`,
    );
}
