import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { KubernetesObject } from '@kubernetes/client-node';
import { applyObjects } from '../../lib/apply';
import { withDefaults } from '../../lib/defaults';
import type { ClusterActionOptions } from '../../lib/kubernetes';
import {
  assertAwsRegion,
  assertRoleArn,
  assertBucketName,
  assertContainerName,
  assertGuid,
  fail,
} from '../../lib/validation';
import {
  ARGO_DEFAULTS,
  argoServerUrl,
  renderArgoValues,
} from '../../lib/helm/values/argo';
import {
  chartRepo,
  installRelease,
  releaseInputSchema,
  validateReleaseInput,
} from '../../lib/helm/releaseInput';
import { examples } from './argoInstall.examples';
import { MANAGED_BY_LABELS } from '../../lib/kubernetes';

/**
 * `collate:argo:install`: Argo Workflows with Helm (chart argo/argo-workflows 0.45.23), values per cloud exactly as guides
 * 000 and 001 give them.
 * @public
 */
export function createArgoInstallAction(options: ClusterActionOptions) {
  return createTemplateAction({
    id: 'collate:argo:install',
    description:
      "Installs or upgrades Argo Workflows with Helm (helm upgrade --install --wait --rollback-on-failure) with the guides' values for Azure (workload identity, blob artifacts) or AWS (IRSA, S3 artifacts), the Postgres workflow archive and optional ServiceMonitors. A re-run with the same values makes no new revision.",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        ...releaseInputSchema({
          ...ARGO_DEFAULTS,
          chartDescription:
            'Chart name in the repository (guides: argo/argo-workflows 0.45.23)',
        }),
        cloud: z =>
          z
            .enum(['azure', 'aws'])
            .describe('Which guide: 000 (Azure) or 001 (AWS)'),
        azure: z =>
          z
            .object({
              controllerClientId: z
                .string()
                .describe(
                  'Client id of the argo-workflows-controller identity',
                ),
              serverClientId: z
                .string()
                .describe('Client id of the argo-workflows-server identity'),
              storageEndpoint: z
                .string()
                .describe(
                  'Blob endpoint (collate:azure:storage:ensure output blobEndpoint)',
                ),
              container: z
                .string()
                .describe('Artifact container (guide: argo-workflows)'),
            })
            .optional()
            .describe("For cloud 'azure'"),
        aws: z =>
          z
            .object({
              controllerRoleArn: z
                .string()
                .describe('ARN of collate-argo-controller-role'),
              serverRoleArn: z
                .string()
                .describe('ARN of collate-argo-server-role'),
              bucket: z
                .string()
                .describe(
                  'Artifact bucket (guide: collate-argo-artifacts-<region>)',
                ),
              region: z.string().describe('Bucket region'),
            })
            .optional()
            .describe("For cloud 'aws'"),
        persistence: z =>
          z
            .object({
              engine: z
                .enum(['postgresql', 'mysql'])
                .default('postgresql')
                .describe('Archive database engine (guides: postgresql)'),
              host: z
                .string()
                .describe('Database host for the workflow archive'),
              port: z
                .number()
                .int()
                .min(1)
                .max(65535)
                .optional()
                .describe("Database port (default: the engine's)"),
              database: z.string().describe('Database name'),
              username: z.string().describe('Database user'),
              password: z
                .string()
                .describe('Database password: ${{ secrets.argoDbPassword }}'),
            })
            .optional()
            .describe(
              'Postgres workflow archive; its credentials go to the argo-db-credentials secret',
            ),
        serviceMonitor: z =>
          z
            .boolean()
            .default(false)
            .describe(
              'Prometheus metrics for the controller and its ServiceMonitor (controller.metricsConfig + controller.serviceMonitor; the chart has none for the server)',
            ),
      },
      output: {
        release: z => z.string().describe('Helm release name'),
        namespace: z => z.string().describe('Namespace'),
        revision: z =>
          z
            .number()
            .describe('Release revision (unchanged on an idempotent re-run)'),
        serverUrl: z =>
          z
            .string()
            .describe(
              "In-cluster Argo server URL by the chart's naming rule (pipelineServiceClientConfig.airflow.apiEndpoint)",
            ),
      },
    },
    async handler(ctx) {
      const input = withDefaults(ctx.input, ARGO_DEFAULTS);
      validateReleaseInput(input);
      if (input.cloud === 'azure') {
        if (!input.azure) fail('azure', "required when cloud is 'azure'");
        assertGuid('azure.controllerClientId', input.azure.controllerClientId);
        assertGuid('azure.serverClientId', input.azure.serverClientId);
        // Host-style (https://collate.blob.core.windows.net/) or path-style with the account as the one path segment
        // (an emulator or a private endpoint: https://host:10000/collate/), as Argo's Azure artifact driver takes them.
        if (
          !/^https:\/\/[^/\s]+\/([a-z0-9]{3,24}\/?)?$/.test(
            input.azure.storageEndpoint,
          )
        )
          fail(
            'azure.storageEndpoint',
            `'${input.azure.storageEndpoint}' must be a blob endpoint such as https://collate.blob.core.windows.net/ (or path-style, https://host/<account>/)`,
          );
        assertContainerName('azure.container', input.azure.container);
      } else {
        if (!input.aws) fail('aws', "required when cloud is 'aws'");
        assertRoleArn('aws.controllerRoleArn', input.aws.controllerRoleArn);
        assertRoleArn('aws.serverRoleArn', input.aws.serverRoleArn);
        assertBucketName('aws.bucket', input.aws.bucket);
        assertAwsRegion('aws.region', input.aws.region);
      }
      if (input.persistence) {
        if (!/^[A-Za-z0-9.-]+$/.test(input.persistence.host))
          fail('persistence.host', 'must be a host name');
        if (!/^[A-Za-z0-9_$-]{1,63}$/.test(input.persistence.database))
          fail(
            'persistence.database',
            'must be 1-63 letters, digits, _, $ or -',
          );
        if (!input.persistence.username)
          fail('persistence.username', 'must not be empty');
        if (!input.persistence.password)
          fail('persistence.password', 'must not be empty');
      }
      const repo = chartRepo(ctx.input.repo, ARGO_DEFAULTS.repo);

      const kc = await options.clusters.serverKubeConfig(input.cluster);
      const dryRun = Boolean(ctx.isDryRun);
      const objects: KubernetesObject[] = [
        {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: input.namespace },
        },
      ];
      if (input.persistence) {
        objects.push({
          apiVersion: 'v1',
          kind: 'Secret',
          type: 'Opaque',
          metadata: {
            name: ARGO_DEFAULTS.dbSecret,
            namespace: input.namespace,
            labels: { ...MANAGED_BY_LABELS },
          },
          data: {
            username: Buffer.from(input.persistence.username).toString(
              'base64',
            ),
            password: Buffer.from(input.persistence.password).toString(
              'base64',
            ),
          },
        } as KubernetesObject);
      }
      await applyObjects(kc, objects, {
        dryRun,
        logger: ctx.logger,
        deployment: input.deployment,
      });

      const values = renderArgoValues({
        cloud: input.cloud,
        azure: input.azure,
        aws: input.aws,
        persistence: input.persistence && {
          engine: input.persistence.engine ?? 'postgresql',
          host: input.persistence.host,
          port: input.persistence.port,
          database: input.persistence.database,
        },
        serviceMonitor: input.serviceMonitor,
      });
      const { revision } = await installRelease(ctx, {
        config: options.config,
        kc,
        input,
        repo,
        values,
        checkpointPrefix: 'argo.install',
      });
      ctx.output('release', input.release);
      ctx.output('namespace', input.namespace);
      ctx.output('revision', revision);
      ctx.output('serverUrl', argoServerUrl(input.release, input.namespace));
    },
  });
}
