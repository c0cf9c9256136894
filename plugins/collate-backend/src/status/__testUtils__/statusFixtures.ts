import { CacheManager } from '@backstage/backend-defaults/cache';
import { ConfigReader } from '@backstage/config';
import type { Entity } from '@backstage/catalog-model';
import type { CollateComponentKind } from '@collate-backstage/plugin-collate-common';
import { readStatusConfig } from '../../config';
import { CollateOperations } from '../../operations/collateOperations';
import { NamespaceMarkers } from '../../auth/namespaceMarker';
import type {
  DeploymentInfo,
  WorkflowOverview,
} from '../../sources/kubernetesObjects';
import { StatusService } from '../StatusService';
import { SourceCache } from '../sourceCache';
import type { StatusSources } from '../sources';

/** Test fixtures of the status backend: an entity describing every component, and sources answering healthy. */

export const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'System',
  metadata: {
    name: 'c',
    annotations: {
      'collate.io/component': 'server',
      'collate.io/kubernetes-cluster': 'local',
      'collate.io/namespace': 'collate',
      'collate.io/server-release': 'openmetadata',
      'collate.io/server-url': 'http://openmetadata.collate:8585',
      'collate.io/argo-namespace': 'argo-workflows',
      'collate.io/argo-server-url': 'http://argo:2746',
      'collate.io/runner-agent-id': 'agent-1',
      'collate.io/runner-namespace': 'runner',
    },
  },
};

export const deployment = (
  name: string,
  labels: Record<string, string>,
  ready = 1,
  initContainers: string[] = [],
): DeploymentInfo => ({
  name,
  namespace: 'ns',
  ready,
  desired: 1,
  labels,
  env: {},
  initContainers,
});

export const overview: WorkflowOverview = {
  total: 3,
  byPhase: { Succeeded: 3 },
  last24h: { Succeeded: 3 },
  daily: {},
  newest: [],
  runs: [],
};

/** Sources answering like a healthy deployment; each test overrides what it studies. */
export function sources(overrides: Partial<StatusSources> = {}) {
  const calls: string[] = [];
  const impl: StatusSources = {
    deployments: async (_c, ns, selector) => {
      calls.push(`deployments ${ns} ${selector}`);
      if (selector.includes('openmetadata'))
        return [deployment('openmetadata', {})];
      if (selector.includes('hybrid'))
        return [
          deployment('runner', { 'app.kubernetes.io/instance': 'runner' }),
        ];
      return [
        deployment('argo-workflows-server', {
          'app.kubernetes.io/component': 'server',
        }),
        deployment('argo-workflows-workflow-controller', {
          'app.kubernetes.io/component': 'workflow-controller',
        }),
      ];
    },
    workflows: async () => {
      calls.push('workflows');
      return overview;
    },
    helmRelease: async (_c, ns, release) => {
      calls.push(`helm ${ns} ${release}`);
      return { revision: 1, status: 'deployed' };
    },
    pullSecrets: async () => [],
    namespaceLabels: async (_c, ns) => {
      calls.push(`namespace ${ns}`);
      return { 'collate.io/deployment': 'c' };
    },
    schedules: async () => ({ schedules: [], truncated: false }),
    archivedRuns: async (_s, ns) => {
      calls.push(`archive ${ns}`);
      return { runs: [], truncated: false };
    },
    argoVersion: async () => {
      calls.push('argo version');
      return 'v3.7.1';
    },
    // A private container, as Azure Storage answers an anonymous request for it.
    blobContainer: async url => {
      calls.push(`blob ${url}`);
      return { status: 404, errorCode: 'ResourceNotFound', fromStorage: true };
    },
    systemStatus: async () => {
      calls.push('system status');
      return {
        database: {
          passed: true,
          message: 'Connected to MySQL 8.0.36 at db:3306',
        },
        searchInstance: {
          passed: false,
          message: 'Search instance es:9200 is not reachable',
        },
      };
    },
    collateVersion: async () => '1.12.3',
    listedRunner: async (_s, agentId) => ({
      id: 'e5b1c2d3-0000-4000-8000-000000000001',
      name: agentId,
      isDefault: true,
    }),
    podMetrics: async (_c, ns, selector) => {
      calls.push(`metrics ${ns} ${selector}`);
      return [
        { pod: 'runner-0', values: { collate_hybrid_agent_connected: 1 } },
      ];
    },
    pipelines: async () => {
      calls.push('pipelines');
      return { pipelines: [], truncated: false };
    },
    lastReindex: async () => {
      calls.push('last reindex');
      return {
        status: 'success',
        startTime: '2026-11-21T09:00:00.000Z',
        endTime: '2026-11-21T09:04:00.000Z',
      };
    },
    startReindex: async () => {
      calls.push('start reindex');
      return true;
    },
    pipelineOperation: async (_s, id, operation) => {
      calls.push(`${operation} ${id}`);
      return { reason: `Workflow [orders] has been ${operation}ed` };
    },
    ...overrides,
  };
  return { impl, calls };
}

export function service(impl: StatusSources, config: object = {}) {
  const root = new ConfigReader({
    backend: { cache: { store: 'memory' } },
    collate: {
      servers: [{ url: 'http://openmetadata.collate:8585/', token: 't' }],
      argo: { servers: [{ url: 'http://argo:2746' }] },
      ...config,
    },
  });
  const status = readStatusConfig(root);
  const cache = CacheManager.fromConfig(root).forPlugin('collate');
  return new StatusService(
    status,
    impl,
    new SourceCache(cache, status.cacheTtlMs),
  );
}

/** The status service and the Collate writes over the same sources and cache, as the plugin wires them. */
export function serviceWithOperations(
  impl: StatusSources,
  config: object = {},
) {
  const status = service(impl, config);
  const root = new ConfigReader({
    collate: {
      servers: [{ url: 'http://openmetadata.collate:8585/', token: 't' }],
      ...config,
    },
  });
  const operations = new CollateOperations(
    readStatusConfig(root),
    impl,
    status.servers,
    status.reads,
    new NamespaceMarkers(impl, 1000),
  );
  return { status, operations };
}

/** The status of some components of the fixture entity (or another), as the service answers. */
export function statusOf(
  impl: StatusSources,
  kinds: CollateComponentKind[],
  of: { metadata: { annotations?: Record<string, string> } } = entity,
) {
  return service(impl).status(of, kinds);
}
