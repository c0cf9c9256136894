import {
  openMetadataVersionOfImageTag,
  type CollateDeploymentStatus,
  type CollateServerStatus,
} from '@collate-backstage/plugin-collate-common';
import type { DeploymentInfo } from '../../sources/kubernetesObjects';
import { Findings, judgeDeployment } from '../findings';
import type { Grader } from './context';
import { deploymentStatus, gradePullSecrets, gradeRelease } from './release';

/**
 * The Collate server: its Deployment (by Helm release), Collate's own system checks and version, the release and
 * its pull secrets. The image's version against the server's own word shows an unfinished upgrade.
 */
export const gradeServer: Grader<CollateServerStatus> = async (ctx, a) => {
  const u = ctx.user;
  const f = new Findings();
  const collate = ctx.servers.collateFor(a.serverUrl, f);
  const inCluster = a.cluster && a.namespace && a.serverRelease;
  // Helm's state and the pull secrets do not depend on the Deployment: asked for in the same round as it.
  const helmRead = inCluster
    ? ctx.reads.helmRelease(u, a.cluster!, a.namespace!, a.serverRelease!)
    : undefined;
  const pullSecretsRead = inCluster
    ? ctx.reads.pullSecrets(u, a.cluster!, a.namespace!)
    : undefined;
  const [deployments, status, version] = await Promise.all([
    a.cluster && a.namespace && a.serverRelease
      ? ctx.reads.deployments(
          u,
          a.cluster,
          a.namespace,
          `app.kubernetes.io/instance=${a.serverRelease}`,
        )
      : undefined,
    collate && ctx.reads.systemStatus(collate),
    collate && ctx.reads.collateVersion(collate),
  ]);
  let deployment: CollateDeploymentStatus | undefined;
  let found: DeploymentInfo | undefined;
  if (deployments) {
    const list = f.take('kubernetes', deployments);
    if (list) {
      const d =
        list.find(x => x.name === a.serverRelease) ??
        list.find(x => x.labels['app.kubernetes.io/name'] === 'openmetadata');
      found = d;
      deployment = deploymentStatus(d);
      judgeDeployment(
        f,
        'Collate server',
        deployment,
        `No Deployment of Helm release ${a.serverRelease} in namespace ${a.namespace}`,
      );
    }
  }
  const system = status && f.take('collate', status);
  const checks = system
    ? Object.entries(system)
        .filter(([, step]) => step && typeof step.passed === 'boolean')
        .map(([name, step]) => ({
          name,
          passed: step!.passed,
          message: step!.message,
        }))
    : undefined;
  for (const check of checks ?? []) {
    if (!check.passed) f.judge('degraded', `${check.name}: ${check.message}`);
  }
  const v = version && f.take('collate', version);
  const [release, pullSecrets] = inCluster
    ? await Promise.all([
        gradeRelease(
          ctx,
          f,
          a.cluster!,
          a.namespace!,
          a.serverRelease!,
          found,
          { createdWith: a.serverChartVersion, helm: helmRead },
        ),
        gradePullSecrets(ctx, f, a.cluster!, a.namespace!, pullSecretsRead),
      ])
    : [undefined, undefined];
  // The image names the OpenMetadata version; the server says which one runs: they differ mid-upgrade or after a
  // half-done one.
  const imageVersion = openMetadataVersionOfImageTag(
    deployment?.image?.split(':').pop(),
  );
  if (v && imageVersion && !v.startsWith(imageVersion)) {
    f.judge(
      'degraded',
      `Collate reports version ${v}, but the server's image is ${imageVersion}: an upgrade not finished?`,
    );
  }
  return {
    component: 'server',
    ...f.result(ctx.config.notice),
    ...(a.serverUrl ? { url: a.serverUrl } : {}),
    ...(v ? { version: v } : {}),
    ...(deployment ? { deployment } : {}),
    ...(release ? { release } : {}),
    ...(imageVersion ? { imageVersion } : {}),
    ...(pullSecrets?.length ? { pullSecrets } : {}),
    ...(checks ? { checks } : {}),
  };
};
