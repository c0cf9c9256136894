import type { Config } from '@backstage/config';
import {
  normalizeUrl,
  readCollateServers,
  type CollateServerConfig,
} from '@collate-backstage/plugin-collate-node';

/** An Argo server the backend may call, by the URL the entities' annotations give. */
export interface ArgoServerConfig {
  /** As in the `collate.io/argo-server-url` annotation. */
  url: string;
  /** Where the backend reaches it, when not at `url` (e.g. through a proxy). */
  baseUrl: string;
  /** Where people open the Argo UI; the cards link there. */
  uiUrl: string;
  token?: string;
}

export interface StatusConfig {
  cacheTtlMs: number;
  timeouts: {
    kubernetes: number;
    argo: number;
    collate: number;
    storage: number;
  };
  /** Blob endpoint hosts the Metaflow card may probe (`collate.status.storageHosts`). */
  storageHosts: string[];
  recentRuns: number;
  maxPipelines: number;
  maxSchedules: number;
  pageSize: number;
  workflowPageSize: number;
  idleMs: number;
  /** How many namespaces' workflows are followed (watched), per cluster and in all. */
  followLimits: { perCluster: number; total: number; minHoldMs: number };
  /** A run still going after this long is flagged stale (`collate.status.staleRunMinutes`). */
  staleRunMs: number;
  /** Ingestion history: how long an archive read is reused, and at most how many runs a location reads. */
  history: { cacheTtlMs: number; maxRuns: number };
  /** Workflow logs served by the backend: a size cap, and how long a followed log stays open. */
  logs: { maxBytes: number; followMs: number };
  argoServers: ArgoServerConfig[];
  collateServers: CollateServerConfig[];
  /** Said on every card in place of configuration and connection errors (`collate.status.notice`). */
  notice?: string;
}

/** Azure's public and sovereign blob endpoints: the default of `collate.status.storageHosts`. */
export const AZURE_BLOB_HOSTS = [
  '*.blob.core.windows.net',
  '*.blob.core.chinacloudapi.cn',
  '*.blob.core.usgovcloudapi.net',
] as const;

export function readStatusConfig(config: Config): StatusConfig {
  const status = config.getOptionalConfig('collate.status');
  const num = (key: string, fallback: number) =>
    status?.getOptionalNumber(key) ?? fallback;
  return {
    cacheTtlMs: num('cacheTtlSeconds', 10) * 1000,
    timeouts: {
      kubernetes: num('timeouts.kubernetesMs', 5000),
      argo: num('timeouts.argoMs', 3000),
      collate: num('timeouts.collateMs', 3000),
      storage: num('timeouts.storageMs', 3000),
    },
    storageHosts: status?.getOptionalStringArray('storageHosts') ?? [
      ...AZURE_BLOB_HOSTS,
    ],
    recentRuns: num('recentRuns', 10),
    maxPipelines: num('maxPipelines', 200),
    maxSchedules: num('maxSchedules', 200),
    pageSize: num('pageSize', 500),
    workflowPageSize: num('workflowPageSize', 5000),
    idleMs: num('workflowWatchIdleMinutes', 15) * 60_000,
    followLimits: {
      perCluster: num('followedNamespacesPerCluster', 50),
      total: num('followedNamespaces', 200),
      minHoldMs: num('followHoldSeconds', 60) * 1000,
    },
    staleRunMs: num('staleRunMinutes', 720) * 60_000,
    history: {
      cacheTtlMs: num('history.cacheTtlSeconds', 120) * 1000,
      maxRuns: num('history.maxRunsPerLocation', 10_000),
    },
    logs: {
      maxBytes: num('logs.maxBytes', 1024 * 1024),
      followMs: num('logs.followSeconds', 300) * 1000,
    },
    notice: status?.getOptionalString('notice')?.trim() || undefined,
    argoServers: (
      config.getOptionalConfigArray('collate.argo.servers') ?? []
    ).map(c => {
      const url = normalizeUrl(c.getString('url'));
      return {
        url,
        baseUrl: normalizeUrl(c.getOptionalString('baseUrl') ?? url),
        uiUrl: normalizeUrl(c.getOptionalString('uiUrl') ?? url),
        ...(c.getOptionalString('token')
          ? { token: c.getString('token') }
          : {}),
      };
    }),
    collateServers: readCollateServers(config),
  };
}
