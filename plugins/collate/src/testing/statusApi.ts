import type {
  CollateClusterAuth,
  CollateComponentKind,
  CollateComponentStatus,
  CollateDeployAccess,
  CollateEntityStatus,
  CollateFleet,
  CollateRunHistory,
} from '@collate-backstage/plugin-collate-common';
import type { CollateStatusApi } from '../api';

/** A CollateStatusApi answering from fixed statuses, recording what the cards asked for. */
export function statusApi(
  components: CollateComponentStatus[],
  options: {
    fail?: Error;
    clusters?: CollateClusterAuth[];
    notice?: string;
    access?: CollateDeployAccess;
    fleet?: CollateFleet;
    history?: CollateRunHistory;
  } = {},
) {
  const calls: string[] = [];
  const api: CollateStatusApi = {
    async getEntityStatus(entityRef, auth): Promise<CollateEntityStatus> {
      calls.push(
        `entity ${entityRef}${
          auth && Object.keys(auth).length
            ? ` auth ${JSON.stringify(auth)}`
            : ''
        }`,
      );
      if (options.fail) throw options.fail;
      return {
        entityRef,
        components,
        ...(options.notice ? { notice: options.notice } : {}),
      };
    },
    async getComponentStatus(entityRef, component: CollateComponentKind, auth) {
      calls.push(
        `component ${entityRef} ${component}${
          auth && Object.keys(auth).length
            ? ` auth ${JSON.stringify(auth)}`
            : ''
        }`,
      );
      if (options.fail) throw options.fail;
      const found = components.find(c => c.component === component);
      if (!found) throw new Error(`no ${component}`);
      return found;
    },
    async getClusters() {
      return options.clusters ?? [];
    },
    async getRunHistory(entityRef, { days = 14 } = {}) {
      calls.push(`history ${entityRef} ${days}`);
      if (options.fail) throw options.fail;
      return (
        options.history ?? {
          entityRef,
          days: [],
          sources: [],
        }
      );
    },
    async getFleet() {
      calls.push('fleet');
      if (options.fail) throw options.fail;
      return options.fleet ?? { deployments: [], refused: 0 };
    },
    async getDeployAccess() {
      calls.push('access');
      if (options.fail) throw options.fail;
      return (
        options.access ?? { allowed: true, refusedActions: [], deployers: [] }
      );
    },
    async operateWorkflow(entityRef, workflow, operation, where) {
      calls.push(
        `${operation} ${entityRef} ${workflow}${
          where?.cluster ? ` in ${where.cluster}/${where.namespace}` : ''
        }`,
      );
      if (options.fail) throw options.fail;
      return {
        workflow: operation === 'resubmit' ? `${workflow}-x1y2z` : workflow,
        namespace: 'collate',
        phase: 'Running',
      };
    },
    async workflowLogs(entityRef, workflow, logOptions) {
      calls.push(
        `logs ${entityRef} ${workflow}${logOptions.follow ? ' follow' : ''}`,
      );
      if (options.fail) throw options.fail;
      for (const line of [
        `Starting ingestion ${workflow}`,
        'Processed 42 tables',
      ]) {
        logOptions.onText(`${line}\n`);
        await new Promise(r => setTimeout(r, 0));
      }
    },
    async operatePipeline(entityRef, pipelineId, operation) {
      calls.push(`${operation} ${entityRef} ${pipelineId}`);
      if (options.fail) throw options.fail;
      return {
        pipelineId,
        operation,
        reason: `Workflow has been ${
          operation === 'trigger' ? 'triggered' : 'deployed'
        }`,
      };
    },
    async startReindex(entityRef, reindexOptions) {
      calls.push(
        `reindex ${entityRef} recreateIndex=${Boolean(
          reindexOptions?.recreateIndex,
        )}`,
      );
      if (options.fail) throw options.fail;
      return {
        started: true,
        run: { status: 'running', startTime: new Date().toISOString() },
      };
    },
  };
  return { api, calls };
}

const observedAt = '2026-11-21T10:00:00.000Z';

/** Statuses of a deployment like the demo's, one per component. */
export const demoStatuses: CollateComponentStatus[] = [
  {
    component: 'server',
    health: 'healthy',
    observedAt,
    errors: [],
    url: 'http://openmetadata.collate:8585',
    version: '1.12.3',
    deployment: {
      name: 'openmetadata',
      namespace: 'collate',
      ready: 1,
      desired: 1,
    },
    release: {
      release: 'openmetadata',
      namespace: 'collate',
      chart: 'openmetadata',
      chartVersion: '1.12.4',
      appVersion: '1.12.4',
      helmStatus: 'pending-upgrade',
      revision: 3,
      createdWith: '1.12.3',
      guidePin: '1.12.3',
      // The backend's verdicts: a release left pending, and drift from the chart it was created with.
      helmHealth: 'degraded',
      chartHealth: 'degraded',
    },
    pullSecrets: [
      {
        name: 'ecr-registry-creds',
        namespace: 'collate',
        expiresAt: new Date(Date.now() + 30 * 60_000 + 30_000).toISOString(),
        health: 'degraded',
      },
    ],
  },
  {
    component: 'argo',
    health: 'healthy',
    observedAt,
    errors: [],
    namespace: 'argo-workflows',
    server: {
      name: 'argo-workflows-server',
      namespace: 'argo-workflows',
      ready: 1,
      desired: 1,
      image: 'quay.io/argoproj/argocli:v3.7.1',
    },
    controller: {
      name: 'argo-workflows-workflow-controller',
      namespace: 'argo-workflows',
      ready: 0,
      desired: 1,
    },
    serverVersion: 'v3.7.1',
    workflowsByPhase: { Succeeded: 12, Failed: 2 },
    uiUrl: 'https://argo.example.com',
  },
  {
    component: 'database',
    health: 'healthy',
    observedAt,
    errors: [],
    type: 'postgresql',
    host: 'postgres.collate:5432',
    version: '15.4',
    endpoint: 'postgres.collate:5432',
    message: 'Connected to PostgreSQL 15.4 at postgres.collate:5432',
  },
  {
    component: 'search',
    health: 'unknown',
    reason: 'Collate: timed out after 3000 ms',
    observedAt,
    errors: [{ source: 'collate', message: 'timed out after 3000 ms' }],
    endpoint: 'http://opensearch.collate:9200',
  },
  {
    component: 'runner',
    health: 'unhealthy',
    reason: 'Runner demo-runner is not connected to Collate',
    observedAt,
    errors: [],
    agentId: 'demo-runner',
    namespace: 'collate-runner',
    deployment: {
      name: 'hybrid-ingestion-runner',
      namespace: 'collate-runner',
      ready: 1,
      desired: 1,
    },
    connection: 'disconnected',
    connectedPods: '0/1',
    registration: { listed: true, isDefault: true },
  },
  {
    component: 'ingestion',
    health: 'degraded',
    reason: '1 of 3 runs in the last 24 h failed',
    observedAt,
    errors: [],
    namespace: 'collate',
    last24h: { Succeeded: 2, Failed: 1 },
    runs: [
      {
        name: 'warehouse-metadata-older',
        namespace: 'collate',
        phase: 'Succeeded',
        progress: '1/1',
        startedAt: new Date(Date.now() - 7200_000).toISOString(),
        finishedAt: new Date(Date.now() - 7100_000).toISOString(),
        durationSeconds: 100,
        url: 'https://argo.example.com/workflows/collate/warehouse-metadata-older',
        logsUrl:
          'https://argo.example.com/workflows/collate/warehouse-metadata-older?tab=workflow&sidePanel=logs',
      },
      {
        name: 'warehouse-metadata-newest',
        namespace: 'collate',
        phase: 'Failed',
        progress: '0/1',
        startedAt: new Date(Date.now() - 600_000).toISOString(),
        finishedAt: new Date(Date.now() - 500_000).toISOString(),
        durationSeconds: 3725,
        url: 'https://argo.example.com/workflows/collate/warehouse-metadata-newest',
      },
      {
        name: 'lake-metadata-stuck',
        namespace: 'collate',
        phase: 'Running',
        progress: '0/1',
        startedAt: new Date(Date.now() - 1_200_000).toISOString(),
        stale:
          'Argo says step lake-metadata-stuck is Running, but its pod is gone',
      },
    ],
    schedules: [
      {
        name: 'warehouse-metadata',
        schedule: '0 * * * *',
        suspended: false,
        nextRun: new Date(Date.now() + 1800_000).toISOString(),
      },
    ],
    pipelines: [
      {
        id: '7c1e2f44-0a7b-4f1e-9d55-2b8a6c3e4f10',
        name: 'warehouse_metadata',
        fullyQualifiedName: 'warehouse.warehouse_metadata',
        pipelineType: 'metadata',
        deployed: true,
        lastState: 'success',
        health: 'healthy',
        schedule: '0 * * * *',
      },
      {
        id: '9a4d1b2c-3e5f-4a6b-8c7d-0e1f2a3b4c5d',
        name: 'warehouse_profiler',
        fullyQualifiedName: 'warehouse.warehouse_profiler',
        pipelineType: 'profiler',
        deployed: false,
      },
    ],
  },
];
