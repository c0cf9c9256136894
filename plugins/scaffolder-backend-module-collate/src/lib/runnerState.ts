import {
  HYBRID_RUNNER_METRICS,
  readGauges,
} from '@collate-backstage/plugin-collate-common';
import {
  CollateApiClient,
  normalizeUrl,
  UpstreamError,
} from '@collate-backstage/plugin-collate-node';
import type { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';

export interface RunnerState {
  podsReady: string;
  /** The runner's own gauge (`collate_hybrid_agent_connected`) says 1 on a ready pod. */
  connected: boolean;
  /** Collate lists the runner (`GET /api/v1/ingestionRunners`). */
  listed: boolean;
  reason: string;
}

/**
 * The runner's state from the real sources: its pods (Kubernetes), its own connection gauge read through the API
 * server's pod proxy (the same path the status card uses), and Collate's list of runners (with the bot token).
 */
export async function runnerState(options: {
  apps: AppsV1Api;
  core: CoreV1Api;
  namespace: string;
  release: string;
  serverHost: string;
  agentId: string;
  token: string;
}): Promise<RunnerState> {
  const { podSelector, port, path, connectedGauge } = HYBRID_RUNNER_METRICS;
  // By label: the Deployment is <release>-hybrid-ingestion-runner unless the release contains the chart name.
  const labelSelector = `${podSelector},app.kubernetes.io/instance=${options.release}`;
  const deployment = await options.apps
    .listNamespacedDeployment({ namespace: options.namespace, labelSelector })
    .then(list => list.items[0])
    .catch(() => undefined);
  const ready = deployment?.status?.readyReplicas ?? 0;
  const desired = deployment?.spec?.replicas ?? 1;
  const podsReady = `${ready}/${desired}`;

  const pods = await options.core
    .listNamespacedPod({
      namespace: options.namespace,
      labelSelector,
      fieldSelector: 'status.phase=Running',
    })
    .then(list => list.items)
    .catch(() => []);
  const gauges = await Promise.all(
    pods.map(pod =>
      options.core
        .connectGetNamespacedPodProxyWithPath({
          name: `${pod.metadata!.name}:${port}`,
          namespace: options.namespace,
          path: path.slice(1),
        })
        .then(
          text => readGauges(String(text), [connectedGauge])[connectedGauge],
        )
        .catch(() => undefined),
    ),
  );
  const answered = gauges.filter(g => g !== undefined);
  const connected = answered.some(g => g === 1);

  const listed = await listedInCollate(options);
  const said =
    answered.length === 0
      ? `no runner pod answered on its metrics port ${port}`
      : `${connectedGauge} ${connected ? 1 : 0}`;
  return {
    podsReady,
    connected: connected && ready >= 1,
    listed: listed === true,
    reason:
      typeof listed === 'string'
        ? `${said}; ${listed}`
        : `${said}; Collate ${listed ? 'lists' : 'does not list'} runner ${
            options.agentId
          }`,
  };
}

/** Whether Collate lists the agent id among its runners, or why it could not say. */
async function listedInCollate(options: {
  serverHost: string;
  agentId: string;
  token: string;
}): Promise<boolean | string> {
  try {
    const runner = await new CollateApiClient().listedRunner(
      { baseUrl: normalizeUrl(options.serverHost), token: options.token },
      options.agentId,
      AbortSignal.timeout(10_000),
    );
    return runner !== undefined;
  } catch (e) {
    return e instanceof UpstreamError && e.status > 0
      ? `Collate answered HTTP ${e.status}`
      : `Collate API not reachable: ${(e as Error).message}`;
  }
}

/** The Helm release of an Argo Workflows in the namespace other than the runner's own, if any. */
export async function otherArgo(
  apps: AppsV1Api,
  namespace: string,
  runnerRelease: string,
): Promise<string | undefined> {
  const list = await apps.listNamespacedDeployment({
    namespace,
    labelSelector: 'app.kubernetes.io/part-of=argo-workflows',
  });
  return list.items
    .map(d => d.metadata?.labels?.['app.kubernetes.io/instance'])
    .find(release => release && release !== runnerRelease);
}
