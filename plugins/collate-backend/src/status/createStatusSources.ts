import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import type { StatusConfig } from '../config';
import { ArgoServerSource } from '../sources/argoServer';
import { CollateApiSource } from '../sources/collateApi';
import { KubernetesSource } from '../sources/kubernetesSource';
import type { StatusSources } from './StatusService';

/** The real sources: the Kubernetes API, the Argo server and the Collate API. */
export function createStatusSources(
  config: Config,
  status: StatusConfig,
  logger: LoggerService,
): StatusSources & { close(): void } {
  const kube = new KubernetesSource(config, logger, {
    recentRuns: status.recentRuns,
    idleMs: status.idleMs,
    pageSize: status.pageSize,
    workflowPageSize: status.workflowPageSize,
    maxSchedules: status.maxSchedules,
  });
  const argo = new ArgoServerSource();
  const collate = new CollateApiSource();
  return {
    deployments: (cluster, ns, selector, signal) =>
      kube.deployments(cluster, ns, selector, signal),
    workflows: (cluster, ns, signal) => kube.workflows(cluster, ns, signal),
    schedules: (cluster, ns, signal) => kube.schedules(cluster, ns, signal),
    argoVersion: (server, signal) => argo.version(server, signal),
    systemStatus: (server, signal) => collate.systemStatus(server, signal),
    collateVersion: (server, signal) => collate.version(server, signal),
    runner: (server, agentId, signal) =>
      collate.runner(server, agentId, signal),
    pipelines: (server, max, signal) => collate.pipelines(server, max, signal),
    close: () => kube.close(),
  };
}
