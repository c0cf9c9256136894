import { InputError } from '@backstage/errors';
import type { KubeConfig } from '@kubernetes/client-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  compareChartVersions,
  isHelmReleaseStuck,
  openMetadataVersionOfImageTag,
} from '@collate-backstage/plugin-collate-common';
import {
  argoSupportRefusal,
  collateApiLineOf,
  collateUpgradeRefusal,
} from '@collate-backstage/plugin-collate-node';
import {
  findArgoControllers,
  serviceUrlNamespace,
} from '../../lib/argoControllers';
import { argoEndpointOfCollateValues } from '../../lib/helm/values/collate';
import { Helm } from '../../lib/helm/Helm';
import type { ClusterActionOptions } from '../../lib/kubernetes';
import { fail } from '../../lib/validation';
import { withDefaults } from '../../lib/defaults';
import {
  chartRepo,
  installRelease,
  releaseInputSchema,
  validateReleaseInput,
} from '../../lib/helm/releaseInput';
import { examples } from './releaseUpgrade.examples';

/**
 * Why a Collate server should not move to `to` on the Argo Workflows its values point its ingestion at (the
 * controller beside that Argo server), or undefined. An Argo outside the cluster cannot be checked.
 */
async function argoRefusal(
  kc: KubeConfig,
  args: { values: Record<string, unknown>; namespace: string; to: string },
): Promise<string | undefined> {
  const endpoint = argoEndpointOfCollateValues(args.values);
  const argoNamespace = endpoint
    ? serviceUrlNamespace(endpoint, args.namespace)
    : undefined;
  if (!argoNamespace) return undefined;
  for (const controller of await findArgoControllers(kc, argoNamespace)) {
    const refusal = argoSupportRefusal(args.to, controller.version);
    if (refusal)
      return `its ingestion runs on the Argo Workflows at ${endpoint} (${controller.namespace}/${controller.name} runs ${controller.version}). ${refusal}`;
  }
  return undefined;
}

/** The Collate (OpenMetadata) server's chart, whose versions are OpenMetadata's. */
const COLLATE_SERVER_CHART = 'openmetadata';

const UPGRADE_DEFAULTS = {
  namespace: 'collate',
  release: 'openmetadata',
  chart: COLLATE_SERVER_CHART,
  timeoutSeconds: 900,
  allowDowngrade: false,
};

/**
 * `collate:upgrade`: moves one Helm release of a deployment (the openmetadata server, or Argo Workflows) to another
 * chart version, keeping the values the release was deployed with (the new chart's defaults under them, as
 * `--reset-then-reuse-values` does) and, for the Collate server, moving its image tag with the chart.
 * @public
 */
export function createReleaseUpgradeAction(options: ClusterActionOptions) {
  return createTemplateAction({
    id: 'collate:upgrade',
    description:
      "Upgrades a deployment's Helm release to another chart version with the values it was deployed with (and, for the Collate server, the image tag that goes with the chart): helm upgrade --wait --rollback-on-failure, so a failed upgrade leaves the previous revision running. Refuses a downgrade unless allowDowngrade, a Collate server skipping a release line (1.12 → 1.13 → 2.0), moving to a line this plugin set does not read, or to a new line not known to run on the Argo Workflows line its ingestion uses, and a release left pending-* or failed until it is recovered. Dry-run shows the chart and app version change and the values that change.",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        ...releaseInputSchema({
          ...UPGRADE_DEFAULTS,
          chartDescription:
            "Chart name in the repository (the release's own chart: open-metadata/openmetadata, argo/argo-workflows)",
          versionDescription:
            'Target chart version; for the Collate server the version its image tag names (om-1.12.4-cl-1.12.4 → 1.12.4)',
        }),
        imageTag: z =>
          z
            .string()
            .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/)
            .optional()
            .describe(
              "New image tag (the chart's image.tag), e.g. om-1.12.4-cl-1.12.4; its OpenMetadata version must be the chart version",
            ),
        allowDowngrade: z =>
          z
            .boolean()
            .default(false)
            .describe(
              'Allow a lower chart version than the deployed one (database migrations do not run backwards)',
            ),
      },
      output: {
        release: z => z.string().describe('Helm release name'),
        namespace: z => z.string().describe('Namespace'),
        fromChartVersion: z =>
          z.string().describe('Chart version before the upgrade'),
        toChartVersion: z => z.string().describe('Chart version after it'),
        fromAppVersion: z =>
          z.string().describe('App version before the upgrade'),
        toAppVersion: z =>
          z.string().describe("App version after it (the chart's appVersion)"),
        revision: z =>
          z
            .number()
            .describe(
              'Release revision (unchanged when already at the target)',
            ),
        deployedAt: z =>
          z
            .string()
            .optional()
            .describe('When the current revision was deployed (ISO 8601)'),
      },
    },
    async handler(ctx) {
      const input = withDefaults(ctx.input, UPGRADE_DEFAULTS);
      validateReleaseInput(input);
      if (!input.version)
        fail('version', 'the target chart version is required');
      const tagVersion = openMetadataVersionOfImageTag(input.imageTag);
      if (input.imageTag && tagVersion && tagVersion !== input.version)
        fail(
          'imageTag',
          `'${input.imageTag}' is OpenMetadata ${tagVersion}, but the chart version is ${input.version}: the chart and the image move together`,
        );
      const repo = chartRepo(input.repo, undefined);
      const kc = await options.clusters.serverKubeConfig(input.cluster);
      const where = `${input.namespace}/${input.release}`;

      // Everything that can refuse the upgrade is checked before anything changes.
      const helm = await Helm.create(options.config, kc, ctx.logger);
      let current;
      let target;
      let values: Record<string, unknown>;
      let fromVersion: string;
      try {
        current = await helm.release(input.release, input.namespace);
        if (!current)
          throw new InputError(
            `Release ${where} does not exist on cluster ${input.cluster}: nothing to upgrade (deploy it with its Collate template first)`,
          );
        if (isHelmReleaseStuck(current.status))
          throw new InputError(
            `Release ${where} is ${current.status} (revision ${current.revision}): recover it before upgrading. Re-run the template that deployed it (its Helm step recovers a stuck release), or roll back: helm rollback ${input.release} -n ${input.namespace}`,
          );
        target = await helm.chartMetadata({
          chart: input.chart,
          repo,
          version: input.version,
        });
        const meta = await helm.releaseMetadata(input.release, input.namespace);
        if (meta.chart !== target.name)
          throw new InputError(
            `Release ${where} runs chart ${current.chart}, not ${target.name}: an upgrade keeps the release's chart`,
          );
        fromVersion = meta.version;
        if (
          compareChartVersions(target.version, fromVersion) < 0 &&
          !input.allowDowngrade
        )
          throw new InputError(
            `Release ${where} runs ${target.name} ${fromVersion}; ${target.version} would be a downgrade, which this action refuses unless allowDowngrade is set (database migrations do not run backwards)`,
          );
        // The Collate server moves one release line at a time, and only to a line the plugin set reads.
        const lineRefusal =
          target.name === COLLATE_SERVER_CHART &&
          compareChartVersions(target.version, fromVersion) > 0
            ? collateUpgradeRefusal(fromVersion, target.version)
            : undefined;
        if (lineRefusal)
          throw new InputError(
            `Release ${where} runs ${target.name} ${fromVersion}; ${lineRefusal}`,
          );
        values = await helm.userValues(input.release, input.namespace);
        // A new line must be known to run on the Argo the deployment uses; within a line, that Argo already runs it.
        const argo =
          target.name === COLLATE_SERVER_CHART
            ? await argoRefusal(kc, {
                values,
                namespace: input.namespace,
                to: target.version,
              })
            : undefined;
        if (
          argo &&
          collateApiLineOf(target.version) !== collateApiLineOf(fromVersion)
        )
          throw new InputError(
            `Release ${where} runs ${target.name} ${fromVersion}; ${argo}, then upgrade`,
          );
        if (argo) ctx.logger.warn(`Release ${where}: ${argo}`);
      } finally {
        await helm.close();
      }
      if (input.imageTag) {
        const image = (values.image ?? {}) as Record<string, unknown>;
        values = { ...values, image: { ...image, tag: input.imageTag } };
      }
      ctx.logger.info(
        `${where}: ${target.name} ${fromVersion} (app ${
          current.app_version
        }) → ${target.version} (app ${target.appVersion ?? 'unknown'})${
          input.imageTag ? `, image tag ${input.imageTag}` : ''
        }`,
      );
      let result;
      try {
        result = await installRelease(ctx, {
          config: options.config,
          kc,
          input: { ...input, version: target.version },
          repo,
          values,
          checkpointPrefix: 'upgrade',
        });
      } catch (error) {
        // --rollback-on-failure: say what is running now.
        const after = await Helm.create(options.config, kc, ctx.logger);
        const now = await after
          .release(input.release, input.namespace)
          .finally(() => after.close());
        throw new Error(
          `Upgrading ${where} to ${target.name} ${target.version} failed; ${
            now
              ? `Helm rolled back: revision ${now.revision} runs ${now.chart} (${now.status})`
              : 'the release is gone'
          }. ${(error as Error).message}`,
        );
      }
      const { revision, deployedAt } = result;
      ctx.output('release', input.release);
      ctx.output('namespace', input.namespace);
      ctx.output('fromChartVersion', fromVersion);
      ctx.output('toChartVersion', target.version);
      ctx.output('fromAppVersion', current.app_version);
      ctx.output('toAppVersion', target.appVersion ?? '');
      ctx.output('revision', revision);
      if (deployedAt) ctx.output('deployedAt', deployedAt);
    },
  });
}
