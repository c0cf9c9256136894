import type { KubernetesRequestAuth } from '@backstage/plugin-kubernetes-common';
import type {
  CollatePipeline,
  CollatePipelineOperation,
  CollateReindexRun,
  WorkflowSchedule,
} from '@collate-backstage/plugin-collate-common';
import type {
  CollateServerConfig,
  ListedRunner,
  SystemStatus,
} from '@collate-backstage/plugin-collate-node';
import type { ArgoServerConfig } from '../config';
import type { ArchivedRuns } from '../sources/argoArchive';
import type { BlobContainerAnswer } from '../sources/blobContainer';
import type {
  DeploymentInfo,
  DetailedRuns,
  PodMetrics,
  WorkflowOverview,
} from '../sources/kubernetesObjects';

/** Everything the status is read from; the real implementation is {@link createStatusSources}. */
export interface StatusSources {
  deployments(
    cluster: string,
    namespace: string,
    labelSelector: string,
    signal: AbortSignal,
    auth: KubernetesRequestAuth,
  ): Promise<DeploymentInfo[]>;
  /** A namespace's workflow counts, and the details of the runs `runs` says (default the newest). */
  workflows(
    cluster: string,
    namespace: string,
    signal: AbortSignal,
    auth: KubernetesRequestAuth,
    runs?: DetailedRuns,
  ): Promise<WorkflowOverview>;
  /** Stops following a namespace's workflows (another replica follows them, or nobody looks). */
  stopFollowing?(cluster: string, namespace: string): void;
  /** Helm's state of a release's latest revision (its release Secrets' labels); undefined without one. */
  helmRelease(
    cluster: string,
    namespace: string,
    release: string,
    signal: AbortSignal,
    auth: KubernetesRequestAuth,
  ): Promise<{ revision: number; status: string } | undefined>;
  /** A namespace's labels, read with the backend's own credentials; undefined when it does not exist. */
  namespaceLabels(
    cluster: string,
    namespace: string,
    signal: AbortSignal,
  ): Promise<Record<string, string> | undefined>;
  /** The pull secrets the plugin set keeps fresh in a namespace. */
  pullSecrets(
    cluster: string,
    namespace: string,
    signal: AbortSignal,
    auth: KubernetesRequestAuth,
  ): Promise<Array<{ name: string; expiresAt?: string }>>;
  schedules(
    cluster: string,
    namespace: string,
    signal: AbortSignal,
    auth: KubernetesRequestAuth,
  ): Promise<{ schedules: WorkflowSchedule[]; truncated: boolean }>;
  argoVersion(server: ArgoServerConfig, signal: AbortSignal): Promise<string>;
  /** Azure Storage's answer to an anonymous request for a container (Metaflow's datastore). */
  blobContainer(url: string, signal: AbortSignal): Promise<BlobContainerAnswer>;
  /** Finished runs of a namespace since a time, from the Argo server's workflow archive. */
  archivedRuns(
    server: ArgoServerConfig,
    namespace: string,
    since: Date,
    maxRuns: number,
    signal: AbortSignal,
  ): Promise<ArchivedRuns>;
  systemStatus(
    server: CollateServerConfig,
    signal: AbortSignal,
  ): Promise<SystemStatus>;
  collateVersion(
    server: CollateServerConfig,
    signal: AbortSignal,
  ): Promise<string>;
  /** The runner Collate lists under an agent id; undefined when it does not list it. */
  listedRunner(
    server: CollateServerConfig,
    agentId: string,
    signal: AbortSignal,
  ): Promise<ListedRunner | undefined>;
  /** Gauges read from the running pods of a label selector (their metrics port, through the pod proxy). */
  podMetrics(
    cluster: string,
    namespace: string,
    labelSelector: string,
    port: number,
    names: string[],
    signal: AbortSignal,
    auth: KubernetesRequestAuth,
  ): Promise<PodMetrics[]>;
  pipelines(
    server: CollateServerConfig,
    max: number,
    signal: AbortSignal,
  ): Promise<{ pipelines: CollatePipeline[]; truncated: boolean }>;
  lastReindex(
    server: CollateServerConfig,
    signal: AbortSignal,
  ): Promise<CollateReindexRun | undefined>;
  startReindex(
    server: CollateServerConfig,
    config: { recreateIndex: boolean },
    signal: AbortSignal,
  ): Promise<boolean>;
  pipelineOperation(
    server: CollateServerConfig,
    pipelineId: string,
    operation: CollatePipelineOperation,
    signal: AbortSignal,
  ): Promise<{ reason?: string }>;
}
