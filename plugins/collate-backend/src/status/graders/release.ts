import {
  COLLATE_GUIDE_CHART_PINS,
  chartDriftHealth,
  helmStateHealth,
  parseHelmChartLabel,
  pullSecretHealth,
  type CollateDeploymentStatus,
  type CollatePullSecretInfo,
  type CollateReleaseInfo,
} from '@collate-backstage/plugin-collate-common';
import type { DeploymentInfo } from '../../sources/kubernetesObjects';
import type { Findings } from '../findings';
import type { GradeContext } from './context';

/** A Deployment as the cards show it: name, namespace, readiness and image. */
export const deploymentStatus = (
  d: DeploymentInfo | undefined,
): CollateDeploymentStatus | undefined =>
  d && {
    name: d.name,
    namespace: d.namespace,
    ready: d.ready,
    desired: d.desired,
    ...(d.image ? { image: d.image } : {}),
  };

/**
 * A release as installed: chart and app version from its Deployment's labels, Helm's state of its latest revision
 * (a release left `pending-*` or `failed` is judged degraded), against the version it was created with and the
 * guides' pin (a chart other than the one created with is judged degraded: drift).
 */
export async function gradeRelease(
  ctx: GradeContext,
  f: Findings,
  cluster: string,
  namespace: string,
  release: string,
  deployment: DeploymentInfo | undefined,
  options: {
    /** The chart version the deployment was created with. */
    createdWith?: string;
    /** Helm's state, when the grader asked for it in its first round (it does not depend on the Deployment). */
    helm?: ReturnType<GradeContext['reads']['helmRelease']>;
  } = {},
): Promise<CollateReleaseInfo> {
  const { createdWith } = options;
  const chart = parseHelmChartLabel(deployment?.labels['helm.sh/chart']);
  const appVersion = deployment?.labels['app.kubernetes.io/version'];
  const helm = await (options.helm ??
    ctx.reads.helmRelease(ctx.user, cluster, namespace, release));
  // Without `list` on Secrets the state is only not shown: the rest of the card stands.
  const state = helm.ok ? helm.value : undefined;
  const helmHealth = state && helmStateHealth(state.status);
  if (state && helmHealth === 'degraded') {
    f.judge(
      'degraded',
      `Helm release ${release} is ${state.status} at revision ${state.revision}: recover it (helm rollback) before the next upgrade`,
    );
  }
  const chartHealth =
    chart && chartDriftHealth({ chartVersion: chart.version, createdWith });
  if (chart && chartHealth === 'degraded') {
    f.judge(
      'degraded',
      `Chart ${chart.chart} ${chart.version} installed; the deployment was created with ${createdWith}`,
    );
  }
  const guidePin = chart && COLLATE_GUIDE_CHART_PINS[chart.chart];
  return {
    release,
    namespace,
    ...(chart ? { chart: chart.chart, chartVersion: chart.version } : {}),
    ...(appVersion ? { appVersion } : {}),
    ...(state ? { helmStatus: state.status, revision: state.revision } : {}),
    ...(createdWith ? { createdWith } : {}),
    ...(guidePin ? { guidePin } : {}),
    ...(helmHealth ? { helmHealth } : {}),
    ...(chartHealth ? { chartHealth } : {}),
  };
}

/** Pull secrets kept fresh by the plugin set: an expired token, or one expiring within the hour, is a warning. */
export async function gradePullSecrets(
  ctx: GradeContext,
  f: Findings,
  cluster: string,
  namespace: string,
  /** The pull secrets, when the grader asked for them in its first round. */
  read = ctx.reads.pullSecrets(ctx.user, cluster, namespace),
): Promise<CollatePullSecretInfo[] | undefined> {
  const got = await read;
  if (!got.ok) return undefined;
  const now = Date.now();
  return got.value.map(p => {
    const { health, msLeft: left } = pullSecretHealth(p, now);
    if (health === 'degraded' && left !== undefined)
      f.judge(
        'degraded',
        left <= 0
          ? `Pull secret ${p.name} expired ${Math.round(
              -left / 60_000,
            )} min ago: new pods cannot pull their images`
          : `Pull secret ${p.name} expires in ${Math.round(left / 60_000)} min`,
      );
    return { ...p, namespace, health };
  });
}
