import type { LoggerService } from '@backstage/backend-plugin-api';
import type { KubernetesClusters } from '@collate-backstage/plugin-collate-node';
import type { StatusConfig } from '../config';
import { listArchivedRuns } from '../sources/argoArchive';
import { ArgoServerSource } from '../sources/argoServer';
import { probeBlobContainer } from '../sources/blobContainer';
import { CollateApiClient } from '@collate-backstage/plugin-collate-node';
import { KubernetesSource } from '../sources/kubernetesSource';
import type { StatusSources } from './sources';

/** The real sources: the Kubernetes API, the Argo server, the Collate API and Azure Storage. */
export function createStatusSources(
  clusters: KubernetesClusters,
  status: StatusConfig,
  logger: LoggerService,
): StatusSources & { close(): void } {
  const kube = new KubernetesSource(clusters, logger, {
    recentRuns: status.recentRuns,
    idleMs: status.idleMs,
    pageSize: status.pageSize,
    workflowPageSize: status.workflowPageSize,
    maxSchedules: status.maxSchedules,
    staleRunMs: status.staleRunMs,
    followLimits: status.followLimits,
  });
  const argo = new ArgoServerSource();
  const collate = new CollateApiClient();
  return {
    deployments: (cluster, ns, selector, signal, auth) =>
      kube.deployments(cluster, ns, selector, signal, auth),
    helmRelease: (cluster, ns, release, signal, auth) =>
      kube.helmRelease(cluster, ns, release, signal, auth),
    namespaceLabels: (cluster, ns, signal) =>
      kube.namespaceLabels(cluster, ns, signal),
    pullSecrets: (cluster, ns, signal, auth) =>
      kube.pullSecrets(cluster, ns, signal, auth),
    workflows: (cluster, ns, signal, auth, runs) =>
      kube.workflows(cluster, ns, signal, auth, runs),
    stopFollowing: (cluster, ns) => kube.stopFollowing(cluster, ns),
    schedules: (cluster, ns, signal, auth) =>
      kube.schedules(cluster, ns, signal, auth),
    argoVersion: (server, signal) => argo.version(server, signal),
    blobContainer: (url, signal) => probeBlobContainer(url, signal),
    archivedRuns: (server, ns, since, maxRuns, signal) =>
      listArchivedRuns(server, ns, since, signal, { maxRuns }),
    systemStatus: (server, signal) => collate.systemStatus(server, signal),
    collateVersion: (server, signal) => collate.version(server, signal),
    listedRunner: (server, agentId, signal) =>
      collate.listedRunner(server, agentId, signal),
    podMetrics: (cluster, ns, selector, port, names, signal, auth) =>
      kube.podMetrics(cluster, ns, selector, port, names, signal, auth),
    lastReindex: (server, signal) => collate.lastReindex(server, signal),
    startReindex: (server, config, signal) =>
      collate.startReindex(server, config, signal),
    pipelines: (server, max, signal) => collate.pipelines(server, max, signal),
    pipelineOperation: (server, id, operation, signal) =>
      collate.pipelineOperation(server, id, operation, signal),
    close: () => kube.close(),
  };
}
