import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { KubernetesObject } from '@kubernetes/client-node';
import { applyObjects } from '../../lib/apply';
import { withDefaults } from '../../lib/defaults';
import { redactingLogger, secretValues } from '../../lib/redact';
import type { ClusterActionOptions } from '../../lib/kubernetes';
import {
  assertAwsRegion,
  assertRoleArn,
  assertBucketName,
  assertContainerName,
  assertGuid,
  assertServiceUrl,
  assertStorageAccountName,
  fail,
} from '../../lib/validation';
import {
  COLLATE_DEFAULTS,
  chartVersionForImageTag,
  collateServiceUrl,
  renderCollateValues,
} from '../../lib/helm/values/collate';
import {
  COLLATE_ENV_TABLE,
  SENSITIVE_ENV_NAME,
  collateEnvSecretName,
} from '../../lib/helm/values/collateEnv';
import {
  chartRepo,
  installRelease,
  releaseInputSchema,
  validateReleaseInput,
} from '../../lib/helm/releaseInput';
import { examples } from './collateDeploy.examples';
import { MANAGED_BY_LABELS } from '../../lib/kubernetes';

const HOST = /^[A-Za-z0-9.-]+$/;

/**
 * `collate:deploy`: the Collate (openmetadata) Helm release with the guides' values: search engine, database,
 * Argo as pipeline service client, image and pull secret, the cloud identity of the server's service account, and
 * the ARGO_* / ASSET_UPLOADER_* environment.
 * @public
 */
export function createCollateDeployAction(options: ClusterActionOptions) {
  return createTemplateAction({
    id: 'collate:deploy',
    description:
      "Installs or upgrades Collate (the openmetadata chart) with the guides' values for Azure or AWS. Passwords are referenced from the db-credentials and es-credentials secrets (collate:kubernetes:prepare), never put in values. A re-run with the same values makes no new revision.",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        ...releaseInputSchema({
          ...COLLATE_DEFAULTS,
          chartDescription:
            'Chart name in the repository (guides: open-metadata/openmetadata)',
          versionDescription:
            'Chart version; default the OpenMetadata version of imageTag (om-1.12.3-cl-1.12.3 → 1.12.3), so chart and image move together',
        }),
        cloud: z =>
          z
            .enum(['azure', 'aws'])
            .describe('Which guide: 000 (Azure) or 001 (AWS)'),
        azure: z =>
          z
            .object({
              serverClientId: z
                .string()
                .describe('Client id of the collate-application identity'),
              storageAccountName: z
                .string()
                .describe('Storage account for asset uploads'),
              container: z
                .string()
                .describe('Blob container for asset uploads'),
            })
            .optional()
            .describe("For cloud 'azure'"),
        aws: z =>
          z
            .object({
              serverRoleArn: z.string().describe('ARN of collate-server-role'),
              bucket: z.string().describe('S3 bucket for asset uploads'),
              region: z.string().describe('Bucket region'),
            })
            .optional()
            .describe("For cloud 'aws'"),
        search: z =>
          z
            .object({
              host: z.string().describe('Search engine host'),
              port: z
                .number()
                .int()
                .min(1)
                .max(65535)
                .describe('Search engine port'),
              scheme: z
                .enum(['http', 'https'])
                .describe('Search engine scheme'),
              searchType: z
                .enum(['opensearch', 'elasticsearch'])
                .describe('Search engine kind (guides: opensearch)'),
              username: z
                .string()
                .optional()
                .describe(
                  'User; its password is read from the es-credentials secret',
                ),
            })
            .describe('The search engine'),
        database: z =>
          z
            .object({
              engine: z
                .enum(['postgresql', 'mysql'])
                .describe('postgresql (guides) or mysql'),
              host: z.string().describe('Database host'),
              port: z
                .number()
                .int()
                .min(1)
                .max(65535)
                .describe('Database port'),
              user: z
                .string()
                .describe(
                  'Database user; its password is read from the db-credentials secret',
                ),
              params: z
                .string()
                .optional()
                .describe(
                  `JDBC parameters (default ${COLLATE_DEFAULTS.dbParams})`,
                ),
            })
            .describe('The database'),
        argoServerUrl: z =>
          z
            .string()
            .default(COLLATE_DEFAULTS.argoServerUrl)
            .describe(
              'Argo server URL (collate:argo:install output serverUrl)',
            ),
        imageRepository: z =>
          z
            .string()
            .default(COLLATE_DEFAULTS.imageRepository)
            .describe('Collate server image repository'),
        imageTag: z =>
          z
            .string()
            .default(COLLATE_DEFAULTS.imageTag)
            .describe('Collate server image tag'),
        ingestionImage: z =>
          z
            .string()
            .default(COLLATE_DEFAULTS.ingestionImage)
            .describe(
              'ARGO_INGESTION_IMAGE (the non-slim image for DeltaLake)',
            ),
        env: z =>
          z
            .record(z.string())
            .optional()
            .describe(
              `More variables of the guides' table: ${Object.keys(
                COLLATE_ENV_TABLE,
              ).join(
                ', ',
              )}. Credentials (names ending in SECRET, PASSWORD, TOKEN, CONNECTION_STRING, ACCESS_KEY or PRIVATE_KEY, and any value that is one of the task's secrets) go to the Secret <release>-env and are referenced with secretKeyRef, never passed as Helm values`,
            ),
        serviceMonitor: z =>
          z
            .boolean()
            .default(false)
            .describe('Enable the Prometheus ServiceMonitor (metrics on 8586)'),
      },
      output: {
        release: z => z.string().describe('Helm release name'),
        namespace: z => z.string().describe('Namespace'),
        revision: z =>
          z
            .number()
            .describe('Release revision (unchanged on an idempotent re-run)'),
        deployedAt: z =>
          z
            .string()
            .optional()
            .describe(
              'When the release revision was deployed (ISO 8601); collate:reindex takes it as unlessSucceededSince',
            ),
        serviceUrl: z =>
          z
            .string()
            .describe(
              'In-cluster Collate URL (the chart always names its Service openmetadata)',
            ),
        chartVersion: z =>
          z.string().describe('The openmetadata chart version installed'),
      },
    },
    async handler(ctx) {
      const input = withDefaults(ctx.input, COLLATE_DEFAULTS);
      validateReleaseInput(input);
      if (!HOST.test(input.search.host))
        fail('search.host', `'${input.search.host}' is not a host name`);
      if (!HOST.test(input.database.host))
        fail('database.host', `'${input.database.host}' is not a host name`);
      assertServiceUrl('argoServerUrl', input.argoServerUrl);
      if (!/^[\w./-]+$/.test(input.imageRepository))
        fail('imageRepository', 'must be an image repository');
      if (!/^[\w.-]{1,128}$/.test(input.imageTag))
        fail('imageTag', 'must be an image tag');
      const version = input.version || chartVersionForImageTag(input.imageTag);
      if (!version)
        fail(
          'version',
          `no chart version given and none can be read from imageTag '${input.imageTag}' (expected om-X.Y.Z-…); give the openmetadata chart version`,
        );
      if (!/^[\w./-]+(:[\w.-]{1,128})?$/.test(input.ingestionImage))
        fail('ingestionImage', 'must be image[:tag]');
      for (const name of Object.keys(input.env ?? {})) {
        if (!COLLATE_ENV_TABLE[name])
          fail(
            `env.${name}`,
            `not a variable of the guides' table (${Object.keys(
              COLLATE_ENV_TABLE,
            ).join(', ')})`,
          );
        if (name === 'ARGO_TOKEN')
          fail(
            'env.ARGO_TOKEN',
            'comes from the om-role.service-account-token secret; it cannot be given as a value',
          );
      }
      if (input.cloud === 'azure') {
        if (!input.azure) fail('azure', "required when cloud is 'azure'");
        assertGuid('azure.serverClientId', input.azure.serverClientId);
        assertStorageAccountName(
          'azure.storageAccountName',
          input.azure.storageAccountName,
        );
        assertContainerName('azure.container', input.azure.container);
      } else {
        if (!input.aws) fail('aws', "required when cloud is 'aws'");
        assertRoleArn('aws.serverRoleArn', input.aws.serverRoleArn);
        assertBucketName('aws.bucket', input.aws.bucket);
        assertAwsRegion('aws.region', input.aws.region);
      }
      // Credential variables (by name, or because their value is one of the task's secrets) go to the release's env
      // Secret and are referenced from it: never a Helm value, never in a plan, diff or log.
      const taskSecrets = secretValues(ctx.secrets);
      const sensitive = Object.fromEntries(
        Object.entries(input.env ?? {}).filter(
          ([name, value]) =>
            SENSITIVE_ENV_NAME.test(name) || taskSecrets.includes(value),
        ),
      );
      const envSecret =
        Object.keys(sensitive).length > 0
          ? {
              name: collateEnvSecretName(input.release),
              keys: Object.keys(sensitive).sort(),
            }
          : undefined;
      const logger = redactingLogger(
        ctx.logger,
        secretValues(ctx.secrets, ...Object.values(sensitive)),
      );
      const repo = chartRepo(ctx.input.repo, COLLATE_DEFAULTS.repo);
      const values = renderCollateValues({
        cloud: input.cloud,
        namespace: input.namespace,
        azure: input.azure,
        aws: input.aws,
        search: input.search,
        database: input.database,
        argoServerUrl: input.argoServerUrl,
        image: { repository: input.imageRepository, tag: input.imageTag },
        ingestionImage: input.ingestionImage,
        env: input.env,
        envSecret,
        serviceMonitor: input.serviceMonitor,
      });
      const kc = await options.clusters.serverKubeConfig(input.cluster);
      if (envSecret) {
        await applyObjects(
          kc,
          [
            {
              apiVersion: 'v1',
              kind: 'Namespace',
              metadata: { name: input.namespace },
            },
            {
              apiVersion: 'v1',
              kind: 'Secret',
              metadata: {
                name: envSecret.name,
                namespace: input.namespace,
                labels: {
                  ...MANAGED_BY_LABELS,
                  'app.kubernetes.io/instance': input.release,
                },
              },
              type: 'Opaque',
              stringData: sensitive,
            } as KubernetesObject,
          ],
          {
            dryRun: Boolean(ctx.isDryRun),
            logger,
            deployment: input.deployment,
          },
        );
      }
      const { revision, deployedAt } = await installRelease(ctx, {
        config: options.config,
        kc,
        input: { ...input, version },
        repo,
        values,
        checkpointPrefix: 'collate.deploy',
        secretValues: Object.values(sensitive),
      });
      ctx.output('release', input.release);
      ctx.output('namespace', input.namespace);
      ctx.output('revision', revision);
      ctx.output('serviceUrl', collateServiceUrl(input.namespace));
      ctx.output('chartVersion', version);
      if (deployedAt) ctx.output('deployedAt', deployedAt);
    },
  });
}
