import { CacheManager } from '@backstage/backend-defaults/cache';
import { ConfigReader } from '@backstage/config';
import type { Entity } from '@backstage/catalog-model';
import type {
  CollateIngestionStatus,
  CollateServerStatus,
} from '@collate-backstage/plugin-collate-common';
import { readStatusConfig } from '../config';
import type {
  DeploymentInfo,
  WorkflowOverview,
} from '../sources/kubernetesSource';
import {
  StatusService,
  parseValidation,
  type StatusSources,
} from './StatusService';
import { SourceCache } from './sourceCache';

const entity: Entity = {
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

const deployment = (
  name: string,
  labels: Record<string, string>,
  ready = 1,
): DeploymentInfo => ({
  name,
  namespace: 'ns',
  ready,
  desired: 1,
  labels,
  env: {},
});

const overview: WorkflowOverview = {
  total: 3,
  byPhase: { Succeeded: 3 },
  last24h: { Succeeded: 3 },
  newest: [],
  runs: [],
};

/** Sources answering like a healthy deployment; each test overrides what it studies. */
function sources(overrides: Partial<StatusSources> = {}) {
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
    schedules: async () => ({ schedules: [], truncated: false }),
    argoVersion: async () => {
      calls.push('argo version');
      return 'v3.7.1';
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

function service(impl: StatusSources, config: object = {}) {
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

describe('StatusService', () => {
  it('asks each source once per view, however many components need it', async () => {
    const { impl, calls } = sources();
    const result = await service(impl).status(entity, [
      'server',
      'database',
      'search',
    ]);
    expect(result.map(c => c.health)).toEqual([
      'degraded',
      'healthy',
      'unhealthy',
    ]);
    expect(calls.filter(c => c === 'system status')).toHaveLength(1);
  });

  it('serves a second view from the cache', async () => {
    const { impl, calls } = sources();
    const s = service(impl);
    await s.status(entity, ['server', 'argo', 'database', 'search', 'runner']);
    const first = calls.length;
    await s.status(entity, ['server', 'argo', 'database', 'search', 'runner']);
    // Only the workflow index is read again (it is kept current by its watch, not cached).
    expect(calls.slice(first)).toEqual(['workflows']);
  });

  it('judges the database and search engine from Collate’s checks', async () => {
    const { impl } = sources();
    const [db, search] = await service(impl).status(entity, [
      'database',
      'search',
    ]);
    expect(db).toMatchObject({
      health: 'healthy',
      type: 'mysql',
      version: '8.0.36',
      host: 'db:3306',
      errors: [],
    });
    expect(search).toMatchObject({
      health: 'unhealthy',
      reason: 'Search instance es:9200 is not reachable',
    });
  });

  it('isolates a failing source: its components are unknown, the others answer', async () => {
    const { impl } = sources({
      argoVersion: async () => {
        throw new Error('Argo server at http://argo:2746: ECONNREFUSED');
      },
    });
    const [argo, runner] = await service(impl).status(entity, [
      'argo',
      'runner',
    ]);
    expect(argo).toMatchObject({
      health: 'unknown',
      reason: 'Argo server: Argo server at http://argo:2746: ECONNREFUSED',
      errors: [{ source: 'argo' }],
      server: { name: 'argo-workflows-server', ready: 1 },
    });
    expect(runner).toMatchObject({
      health: 'healthy',
      connection: 'connected',
    });
  });

  it("takes the runner's connection from its own gauge and its registration from Collate's list", async () => {
    const { impl, calls } = sources();
    const [runner] = await service(impl).status(entity, ['runner']);
    expect(runner).toMatchObject({
      health: 'healthy',
      connection: 'connected',
      connectedPods: '1/1',
      registration: { listed: true, isDefault: true },
    });
    // Only the pods of the runner's own release are scraped.
    expect(calls).toContain(
      'metrics runner app.kubernetes.io/name=hybrid-ingestion-runner,app.kubernetes.io/instance=runner',
    );

    const disconnected = sources({
      podMetrics: async () => [
        { pod: 'a', values: { collate_hybrid_agent_connected: 0 } },
        { pod: 'b', values: { collate_hybrid_agent_connected: 0 } },
      ],
      listedRunner: async () => undefined,
    });
    const [down] = await service(disconnected.impl).status(entity, ['runner']);
    expect(down).toMatchObject({
      health: 'unhealthy',
      connection: 'disconnected',
      connectedPods: '0/2',
      registration: { listed: false },
    });
    expect(down.reason).toMatch(
      /reports it is not connected to Collate \(collate_hybrid_agent_connected 0\)/,
    );

    const silent = sources({
      podMetrics: async () => [
        { pod: 'a', error: 'Kubernetes API 503 for /api/v1/…/proxy/metrics' },
      ],
    });
    const [unknown] = await service(silent.impl).status(entity, ['runner']);
    expect(unknown).toMatchObject({ health: 'unknown', connection: 'unknown' });
    expect(unknown.reason).toMatch(
      /metrics did not answer: Kubernetes API 503/,
    );
  });

  it('says the configured notice in place of configuration and connection errors, keeping what answered', async () => {
    const { impl } = sources({
      argoVersion: async () => {
        throw new Error('Argo server at http://argo:2746: ECONNREFUSED');
      },
    });
    const notice = 'local demo environment starting';
    const [argo, server] = await service(impl, {
      servers: [],
      status: { notice },
    }).status(entity, ['argo', 'server']);
    expect(argo).toMatchObject({
      health: 'unknown',
      reason: notice,
      errors: [{ source: 'argo' }],
      server: { name: 'argo-workflows-server', ready: 1 },
    });
    expect(server).toMatchObject({
      health: 'unknown',
      reason: notice,
      errors: [{ source: 'collate', configKey: 'collate.servers' }],
    });
    // A component whose sources answered is judged as usual: the notice replaces errors, not findings.
    const [runner] = await service(impl, { status: { notice } }).status(
      entity,
      ['runner'],
    );
    expect(runner).toMatchObject({ health: 'healthy' });
    expect(runner.reason).toBeUndefined();
  });

  it('keeps unhealthy when what did answer shows it, even if another source failed', async () => {
    const { impl } = sources({
      deployments: async () => [],
      argoVersion: async () => {
        throw new Error('boom');
      },
    });
    const [argo] = await service(impl).status(entity, ['argo']);
    expect(argo.health).toBe('unhealthy');
    expect(argo.reason).toContain(
      'No Argo server Deployment of release argo-workflows in namespace argo-workflows',
    );
    expect(argo.reason).toContain('Argo server: boom');
  });

  it('gives each source its own timeout', async () => {
    const { impl } = sources({
      systemStatus: (_s, signal) =>
        new Promise((_resolve, reject) =>
          signal.addEventListener('abort', () => reject(signal.reason)),
        ),
    });
    const started = Date.now();
    const [db, argo] = await service(impl, {
      status: { timeouts: { collateMs: 50 } },
    }).status(entity, ['database', 'argo']);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(db).toMatchObject({
      health: 'unknown',
      reason: 'Collate: timed out after 50 ms',
    });
    expect(argo.health).toBe('healthy');
  });

  it('grades pods: none ready is unhealthy, some ready is degraded', async () => {
    const { impl } = sources({
      deployments: async (_c, _ns, selector) =>
        selector.includes('openmetadata')
          ? [{ ...deployment('openmetadata', {}), desired: 3, ready: 2 }]
          : [
              deployment(
                'runner',
                { 'app.kubernetes.io/instance': 'runner' },
                0,
              ),
            ],
      systemStatus: async () => ({}),
    });
    const [server, runner] = await service(impl).status(entity, [
      'server',
      'runner',
    ]);
    expect(server).toMatchObject({
      health: 'degraded',
      reason: 'Collate server: 2 of 3 pods ready',
    });
    expect(runner).toMatchObject({
      health: 'unhealthy',
      reason: 'Runner: 0 of 1 pods ready',
    });
  });

  it('marks ingestion degraded when runs failed in the last 24 h or a pipeline’s last run failed', async () => {
    const { impl } = sources({
      workflows: async () => ({
        ...overview,
        last24h: { Succeeded: 8, Failed: 1, Error: 1 },
      }),
      pipelines: async () => ({
        pipelines: [
          {
            id: '0b6f0a52-58e3-4d3c-9b1e-5f7d2a8c9e01',
            name: 'orders',
            fullyQualifiedName: 'pg.orders',
            pipelineType: 'metadata',
            lastState: 'failed',
          },
        ],
        truncated: true,
      }),
    });
    const [ingestion] = await service(impl).status(entity, ['ingestion']);
    expect(ingestion).toMatchObject({
      health: 'degraded',
      reason:
        '2 of 10 runs in the last 24 h failed; Last run failed for orders',
      pipelinesTruncated: true,
    });
    // The pipeline carries the same verdict the component gives it; the card shows it as it is.
    expect(
      (ingestion as CollateIngestionStatus).pipelines?.map(p => p.health),
    ).toEqual(['degraded']);
  });

  it('flags stale runs: the source’s Argo runs and a Collate pipeline still running past the limit', async () => {
    const started = new Date(Date.now() - 3 * 3_600_000).toISOString();
    const { impl } = sources({
      workflows: async () => ({
        ...overview,
        runs: [
          {
            name: 'stuck',
            namespace: 'collate',
            phase: 'Running',
            startedAt: started,
            stale: 'Argo says step ingest is Running, but its pod is gone',
          },
        ],
      }),
      pipelines: async () => ({
        pipelines: [
          {
            id: '0b6f0a52-58e3-4d3c-9b1e-5f7d2a8c9e02',
            name: 'orders',
            fullyQualifiedName: 'pg.orders',
            pipelineType: 'metadata',
            lastState: 'running',
            lastRunAt: started,
          },
          {
            id: '0b6f0a52-58e3-4d3c-9b1e-5f7d2a8c9e03',
            name: 'fresh',
            fullyQualifiedName: 'pg.fresh',
            pipelineType: 'metadata',
            lastState: 'running',
            lastRunAt: new Date().toISOString(),
          },
        ],
        truncated: false,
      }),
    });
    const [ingestion] = (await service(impl, {
      status: { staleRunMinutes: 120 },
    }).status(entity, ['ingestion'])) as CollateIngestionStatus[];
    expect(ingestion.health).toBe('degraded');
    expect(ingestion.reason).toContain(
      '1 run looks stale: stuck: Argo says step ingest is Running, but its pod is gone',
    );
    expect(ingestion.reason).toContain(
      'Pipeline orders looks stale: Collate has said running for 3 h (limit collate.status.staleRunMinutes 120 min)',
    );
    expect(ingestion.pipelines?.map(p => Boolean(p.stale))).toEqual([
      true,
      false,
    ]);
    expect(ingestion.pipelines?.map(p => p.health)).toEqual([
      'degraded',
      'healthy',
    ]);
  });

  it('shows each release against what it was created with and the guides, and warns of drift, stuck releases and expiring pull secrets', async () => {
    const soon = new Date(Date.now() + 30 * 60_000).toISOString();
    const { impl } = sources({
      deployments: async (_c, _ns, selector) =>
        selector.includes('openmetadata')
          ? [
              {
                ...deployment('openmetadata', {
                  'helm.sh/chart': 'openmetadata-1.12.4',
                  'app.kubernetes.io/version': '1.12.4',
                }),
                image:
                  'docker.getcollate.io/openmetadata/server:om-1.12.4-cl-1.12.4',
              },
            ]
          : [],
      helmRelease: async () => ({ revision: 3, status: 'pending-upgrade' }),
      pullSecrets: async () => [
        { name: 'ecr-registry-creds', expiresAt: soon },
      ],
    });
    const annotated: Entity = {
      ...entity,
      metadata: {
        ...entity.metadata,
        annotations: {
          ...entity.metadata.annotations,
          'collate.io/server-chart-version': '1.12.3',
        },
      },
    };
    const [server] = (await service(impl).status(annotated, [
      'server',
    ])) as CollateServerStatus[];
    expect(server.release).toEqual({
      release: 'openmetadata',
      namespace: 'collate',
      chart: 'openmetadata',
      chartVersion: '1.12.4',
      appVersion: '1.12.4',
      helmStatus: 'pending-upgrade',
      revision: 3,
      createdWith: '1.12.3',
      guidePin: '1.12.3',
    });
    expect(server.imageVersion).toBe('1.12.4');
    expect(server.pullSecrets).toEqual([
      {
        name: 'ecr-registry-creds',
        namespace: 'collate',
        expiresAt: soon,
        health: 'degraded',
      },
    ]);
    expect(server.health).toBe('degraded');
    for (const said of [
      'Helm release openmetadata is pending-upgrade at revision 3',
      'Chart openmetadata 1.12.4 installed; the deployment was created with 1.12.3',
      // The source's server says 1.12.3 while the image is 1.12.4.
      "Collate reports version 1.12.3, but the server's image is 1.12.4",
      'Pull secret ecr-registry-creds expires in 30 min',
    ])
      expect(server.reason).toContain(said);
  });

  it("triggers a pipeline on the entity's Collate server and reads the pipelines again on the next view", async () => {
    const { impl, calls } = sources();
    const s = service(impl);
    const id = '0b6f0a52-58e3-4d3c-9b1e-5f7d2a8c9e01';
    await s.status(entity, ['ingestion']);
    await s.status(entity, ['ingestion']);
    expect(calls.filter(c => c === 'pipelines')).toHaveLength(1);
    await expect(s.operatePipeline(entity, id, 'trigger')).resolves.toEqual({
      pipelineId: id,
      operation: 'trigger',
      reason: 'Workflow [orders] has been triggered',
    });
    expect(calls).toContain(`trigger ${id}`);
    await s.status(entity, ['ingestion']);
    expect(calls.filter(c => c === 'pipelines')).toHaveLength(2);

    await expect(s.operatePipeline(entity, 'x; rm', 'deploy')).rejects.toThrow(
      "'x; rm' is not a pipeline id (a UUID)",
    );
    const refusing = sources({
      pipelineOperation: async () => {
        throw Object.assign(
          new Error('Collate refused to trigger pipeline: not deployed'),
          { status: 400 },
        );
      },
    });
    await expect(
      service(refusing.impl).operatePipeline(entity, id, 'trigger'),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: 'Collate refused to trigger pipeline: not deployed',
    });
    const missing = sources({
      pipelineOperation: async () => {
        throw Object.assign(new Error('not found'), { status: 404 });
      },
    });
    await expect(
      service(missing.impl).operatePipeline(entity, id, 'deploy'),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
    const silent = sources({
      pipelineOperation: async () => {
        throw new Error('The operation was aborted due to timeout');
      },
    });
    await expect(
      service(silent.impl).operatePipeline(entity, id, 'deploy'),
    ).rejects.toMatchObject({ name: 'ServiceUnavailableError' });
  });

  it('tells which annotation to add when the runner namespace is missing', async () => {
    const { impl } = sources();
    const { 'collate.io/runner-namespace': _, ...annotations } =
      entity.metadata.annotations!;
    const [runner] = await service(impl).status({ metadata: { annotations } }, [
      'runner',
    ]);
    expect(runner).toMatchObject({
      health: 'unknown',
      reason:
        "Add collate.io/kubernetes-cluster and collate.io/runner-namespace to see the runner's pods",
      // The connection is the runner's own gauge, in the cluster; Collate's list still answers.
      connection: 'unknown',
      registration: { listed: true },
    });
  });
});

describe('parseValidation', () => {
  it.each([
    [
      'Connected to PostgreSQL 15.4 at postgres.collate:5432',
      { type: 'postgresql', version: '15.4', host: 'postgres.collate:5432' },
    ],
    [
      'Connected to Elasticsearch 9.3.0 at es.internal:9200',
      { type: 'elasticsearch', version: '9.3.0', host: 'es.internal:9200' },
    ],
    ['OpenSearch is healthy', { type: 'opensearch' }],
    ['', {}],
  ])('%j', (message, expected) => {
    expect(parseValidation(message)).toEqual(expected);
  });
});
