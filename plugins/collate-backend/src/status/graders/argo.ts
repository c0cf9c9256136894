import {
  COLLATE_ANNOTATIONS,
  type CollateArgoStatus,
  type CollateDeploymentStatus,
} from '@collate-backstage/plugin-collate-common';
import type { DeploymentInfo } from '../../sources/kubernetesObjects';
import { Findings, judgeDeployment } from '../findings';
import type { Grader } from './context';
import { deploymentStatus, gradeRelease } from './release';

/** Argo Workflows: its server and workflow controller Deployments, its version, release and workflow counts. */
export const gradeArgo: Grader<CollateArgoStatus> = async (ctx, a) => {
  const u = ctx.user;
  const f = new Findings();
  const server = ctx.servers.argoFor(a.argoServerUrl, f);
  const release = a.argoRelease ?? 'argo-workflows';
  // Helm's state does not depend on the Deployments: asked for in the same round as them.
  const helmRead =
    a.cluster && a.argoNamespace
      ? ctx.reads.helmRelease(u, a.cluster, a.argoNamespace, release)
      : undefined;
  const [deployments, version, workflows] = await Promise.all([
    a.cluster && a.argoNamespace
      ? ctx.reads.deployments(
          u,
          a.cluster,
          a.argoNamespace,
          `app.kubernetes.io/instance=${release}`,
        )
      : undefined,
    server && ctx.reads.argoVersion(server),
    a.cluster && a.namespace
      ? ctx.reads.workflows(u, a.cluster, a.namespace, 'none')
      : undefined,
  ]);
  if (!a.cluster || !a.argoNamespace) {
    f.judge(
      'unknown',
      `Add ${COLLATE_ANNOTATIONS.cluster} and ${COLLATE_ANNOTATIONS.argoNamespace} to see Argo's Deployments`,
    );
  }
  let serverDeployment: CollateDeploymentStatus | undefined;
  let controller: CollateDeploymentStatus | undefined;
  let found: DeploymentInfo | undefined;
  const list = deployments && f.take('kubernetes', deployments);
  if (list) {
    const find = (component: string) =>
      list.find(d => d.labels['app.kubernetes.io/component'] === component) ??
      list.find(d => d.name.endsWith(`-${component}`));
    const pick = (component: string) => deploymentStatus(find(component));
    found = find('server');
    serverDeployment = pick('server');
    controller = pick('workflow-controller');
    const where = `release ${release} in namespace ${a.argoNamespace}`;
    judgeDeployment(
      f,
      'Argo server',
      serverDeployment,
      `No Argo server Deployment of ${where}`,
    );
    judgeDeployment(
      f,
      'Workflow controller',
      controller,
      `No workflow controller Deployment of ${where}`,
    );
  }
  const v = version && f.take('argo', version);
  const wf = workflows && f.take('kubernetes', workflows);
  const releaseInfo =
    a.cluster && a.argoNamespace
      ? await gradeRelease(ctx, f, a.cluster, a.argoNamespace, release, found, {
          helm: helmRead,
        })
      : undefined;
  return {
    component: 'argo',
    ...(releaseInfo ? { release: releaseInfo } : {}),
    ...f.result(ctx.config.notice),
    ...(a.argoNamespace ? { namespace: a.argoNamespace } : {}),
    ...(serverDeployment ? { server: serverDeployment } : {}),
    ...(controller ? { controller } : {}),
    ...(v ? { serverVersion: v } : {}),
    ...(wf ? { workflowsByPhase: wf.byPhase } : {}),
    ...(server ? { uiUrl: server.uiUrl } : {}),
  };
};
