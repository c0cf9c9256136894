import {
  COLLATE_ANNOTATIONS,
  HYBRID_RUNNER_METRICS,
  type CollateRunnerStatus,
} from '@collate-backstage/plugin-collate-common';
import type { DeploymentInfo } from '../../sources/kubernetesObjects';
import { Findings, judgeDeployment } from '../findings';
import type { Grader } from './context';
import { deploymentStatus, gradePullSecrets, gradeRelease } from './release';

const {
  podSelector: RUNNER_SELECTOR,
  port: RUNNER_METRICS_PORT,
  connectedGauge: RUNNER_CONNECTED_METRIC,
} = HYBRID_RUNNER_METRICS;

/**
 * The Hybrid Ingestion Runner: its Deployment (by agent id), release and pull secrets, its own connection gauge, and
 * whether Collate lists it.
 */
export const gradeRunner: Grader<CollateRunnerStatus> = async (ctx, a) => {
  const u = ctx.user;
  const f = new Findings();
  const agentId = a.runnerAgentId!;
  const collate = ctx.servers.collateFor(a.serverUrl, f);
  // The pull secrets do not depend on which Deployment is the runner: asked for in the same round.
  const pullSecretsRead =
    a.cluster && a.runnerNamespace
      ? ctx.reads.pullSecrets(u, a.cluster, a.runnerNamespace)
      : undefined;
  const [deployments, listed] = await Promise.all([
    a.cluster && a.runnerNamespace
      ? ctx.reads.deployments(u, a.cluster, a.runnerNamespace, RUNNER_SELECTOR)
      : undefined,
    collate && ctx.reads.listedRunner(collate, agentId),
  ]);
  let deployment: DeploymentInfo | undefined;
  const list = deployments && f.take('kubernetes', deployments);
  if (list) {
    // The chart sets the agent id only in the runner's environment.
    deployment =
      list.find(d => d.env.AGENT_ID === agentId) ??
      (list.length === 1 ? list[0] : undefined);
    judgeDeployment(
      f,
      'Runner',
      deployment && deploymentStatus(deployment),
      `No Hybrid Ingestion Runner with agent id ${agentId} in namespace ${a.runnerNamespace}`,
    );
  } else if (!deployments) {
    f.judge(
      'unknown',
      `Add ${COLLATE_ANNOTATIONS.cluster} and ${COLLATE_ANNOTATIONS.runnerNamespace} to see the runner's pods`,
    );
  }
  // Only this runner's pods: its release's instance label.
  const instance = deployment?.labels['app.kubernetes.io/instance'];
  const [release, pullSecrets] =
    a.cluster && a.runnerNamespace && instance
      ? await Promise.all([
          gradeRelease(
            ctx,
            f,
            a.cluster,
            a.runnerNamespace,
            instance,
            deployment,
          ),
          gradePullSecrets(
            ctx,
            f,
            a.cluster,
            a.runnerNamespace,
            pullSecretsRead,
          ),
        ])
      : [undefined, undefined];
  const metrics =
    instance &&
    (await ctx.reads.podMetrics(
      u,
      a.cluster!,
      a.runnerNamespace!,
      `${RUNNER_SELECTOR},app.kubernetes.io/instance=${instance}`,
      RUNNER_METRICS_PORT,
      [RUNNER_CONNECTED_METRIC],
    ));
  // The runner's own word on its connection: its gauge, per pod.
  let connection: CollateRunnerStatus['connection'] = 'unknown';
  let connectedPods: string | undefined;
  const readings = metrics && f.take('kubernetes', metrics);
  if (readings) {
    const answered = readings.filter(
      r => r.values?.[RUNNER_CONNECTED_METRIC] !== undefined,
    );
    const connected = answered.filter(
      r => r.values![RUNNER_CONNECTED_METRIC] === 1,
    );
    if (answered.length > 0) {
      connectedPods = `${connected.length}/${answered.length}`;
      connection = connected.length > 0 ? 'connected' : 'disconnected';
      if (connected.length === 0)
        f.judge(
          'unhealthy',
          `Runner ${agentId} reports it is not connected to Collate (${RUNNER_CONNECTED_METRIC} 0)`,
        );
    } else if (readings.length > 0) {
      const why = readings.find(r => r.error)?.error;
      f.judge(
        'unknown',
        `The runner's metrics did not answer${why ? `: ${why}` : ''}`,
      );
    }
  }
  let registration: CollateRunnerStatus['registration'];
  const listedView = listed && f.take('collate', listed);
  if (listed?.ok) {
    registration = listedView
      ? {
          listed: true,
          ...(listedView.isDefault !== undefined
            ? { isDefault: listedView.isDefault }
            : {}),
        }
      : { listed: false };
    if (!listedView)
      f.judge('unhealthy', `Collate does not list runner ${agentId}`);
  }
  return {
    component: 'runner',
    ...f.result(ctx.config.notice),
    agentId,
    ...(a.runnerNamespace ? { namespace: a.runnerNamespace } : {}),
    ...(deployment ? { deployment: deploymentStatus(deployment) } : {}),
    ...(release ? { release } : {}),
    ...(pullSecrets?.length ? { pullSecrets } : {}),
    connection,
    ...(connectedPods ? { connectedPods } : {}),
    ...(registration ? { registration } : {}),
  };
};
