import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { Helm } from '../../lib/helm/Helm';
import { clusterInput, type ClusterActionOptions } from '../../lib/kubernetes';
import { assertDnsLabel } from '../../lib/validation';
import {
  decommissionInput,
  requireDeployment,
  DEPLOYMENT_MARKER,
} from '../../lib/markers';
import { examples } from './releaseUninstall.examples';

/**
 * `collate:helm:uninstall`: removes a Helm release a deployment installed (its release carries the deployment's
 * marker); a release it adopted, or another deployment's, is kept.
 * @public
 */
export function createReleaseUninstallAction(options: ClusterActionOptions) {
  return createTemplateAction({
    id: 'collate:helm:uninstall',
    description: `Uninstalls a Helm release (helm uninstall --wait: its objects and its history) when its release labels carry ${DEPLOYMENT_MARKER}=<deployment>, i.e. a Collate action installed it for that deployment; a release without the marker is kept and said so. Idempotent; dry-run says what would be uninstalled.`,
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        cluster: clusterInput,
        namespace: z => z.string().describe('Namespace of the release'),
        release: z => z.string().describe('Release name'),
        deployment: decommissionInput,
        timeoutSeconds: z =>
          z
            .number()
            .int()
            .min(30)
            .max(3600)
            .default(600)
            .describe('Helm --timeout'),
      },
      output: {
        uninstalled: z =>
          z
            .boolean()
            .describe('Whether the release was (in dry-run: would be) removed'),
        chart: z => z.string().optional().describe('The chart the release ran'),
      },
    },
    async handler(ctx) {
      const { namespace, release, deployment } = ctx.input;
      const timeoutSeconds = ctx.input.timeoutSeconds ?? 600;
      assertDnsLabel('namespace', namespace);
      assertDnsLabel('release', release);
      requireDeployment(deployment);
      const where = `${namespace}/${release}`;
      const kc = await options.clusters.serverKubeConfig(ctx.input.cluster);
      const helm = await Helm.create(options.config, kc, ctx.logger);
      try {
        const current = await helm.release(release, namespace);
        if (!current) {
          ctx.logger.info(
            `Helm release ${where} does not exist: nothing to uninstall`,
          );
          ctx.output('uninstalled', false);
          return;
        }
        const marker = (await helm.releaseMetadata(release, namespace)).labels[
          DEPLOYMENT_MARKER
        ];
        ctx.output('chart', current.chart);
        if (marker !== deployment) {
          ctx.logger.info(
            `kept: Helm release ${where} (${
              current.chart
            }) was not installed for deployment ${deployment} (${
              marker ? `its marker names ${marker}` : 'no marker'
            })`,
          );
          ctx.output('uninstalled', false);
          return;
        }
        ctx.logger.info(
          `${
            ctx.isDryRun ? 'would uninstall' : 'uninstalling'
          } Helm release ${where} (${current.chart}, revision ${
            current.revision
          }, ${current.status})`,
        );
        if (!ctx.isDryRun)
          await helm.uninstall(release, namespace, timeoutSeconds);
        ctx.output('uninstalled', true);
      } finally {
        await helm.close();
      }
    },
  });
}
