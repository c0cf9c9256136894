import { randomBytes } from 'node:crypto';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { Entity } from '@backstage/catalog-model';
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import {
  adminKubeConfig,
  backstageKubernetesConfig,
  demoWorkflows,
  ensureNamespace,
  installFixtureRunner,
  installFixtureRelease,
  seedCronWorkflow,
  seedWorkflows,
  startCollateContractServer,
  testEnv,
  TEST_CLUSTER_NAME,
  type CollateContractServer,
} from '@internal/testenv';
import type {
  CollateArgoStatus,
  CollateBackingServiceStatus,
  CollateEntityStatus,
  CollateIngestionStatus,
  CollateRunnerStatus,
  CollateServerStatus,
} from '@collate-backstage/plugin-collate-common';
import request from 'supertest';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { collatePlugin } from './plugin';

const suffix = randomBytes(3).toString('hex');
const ns = {
  collate: `collate-${suffix}`,
  argo: `argo-${suffix}`,
  runner: `runner-${suffix}`,
  // Real workflows the controller runs, for the workflow operations (apart from the seeded ones' counts).
  ops: `ops-${suffix}`,
  // A real workflow run on KWOK, whose logs the API server reads from the pod network's kubelet.
  logs: `logs-${suffix}`,
  // Running runs whose pods vanished or that outran their deadline.
  stale: `stale-${suffix}`,
  // Another deployment's namespace (marked for it), and one nobody marked.
  foreign: `foreign-${suffix}`,
  unmarked: `unmarked-${suffix}`,
};
const SERVER_URL = `http://openmetadata.${ns.collate}:8585`;
const ARGO_URL = `http://argo-workflows-server.${ns.argo}:2746`;
const AGENT_ID = `agent-${suffix}`;

function systemEntity(annotations: Record<string, string> = {}): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'System',
    metadata: {
      name: 'collate-it',
      namespace: 'default',
      annotations: {
        // Set by the catalog for what the Collate actions registered.

        'backstage.io/managed-by-origin-location':
          'collate-deployment:collate-it',
        'collate.io/component': 'server',
        'collate.io/kubernetes-cluster': TEST_CLUSTER_NAME,
        'collate.io/namespace': ns.collate,
        'collate.io/server-release': 'openmetadata',
        'collate.io/server-url': SERVER_URL,
        'collate.io/argo-namespace': ns.argo,
        'collate.io/argo-release': 'argo-workflows',
        'collate.io/argo-server-url': ARGO_URL,
        'collate.io/database-endpoint': 'postgres.collate:5432',
        'collate.io/search-endpoint': 'http://opensearch.collate:9200',
        'collate.io/runner-agent-id': AGENT_ID,
        'collate.io/runner-namespace': ns.runner,
        ...annotations,
      },
    },
    spec: { owner: 'platform-team' },
  };
}

describe('status backend against the local control plane', () => {
  let collate: CollateContractServer;

  beforeAll(async () => {
    collate = await startCollateContractServer();
    collate.connectRunner(AGENT_ID);
    const pipeline = collate.addPipeline({ name: 'warehouse_metadata' });
    collate.addPipelineStatus(pipeline.fullyQualifiedName, {
      runId: 'r1',
      pipelineState: 'success',
      startDate: Date.now() - 60_000,
      timestamp: Date.now() - 60_000,
      endDate: Date.now() - 30_000,
    });
    await Promise.all([
      installFixtureRelease({
        chart: 'argo-workflows',
        release: 'argo-workflows',
        namespace: ns.argo,
      }),
      installFixtureRelease({
        chart: 'openmetadata',
        release: 'openmetadata',
        namespace: ns.collate,
      }),
      installFixtureRunner({
        namespace: ns.runner,
        agentId: AGENT_ID,
        serverUrl: collate.url,
        token: collate.issueToken('ingestion-bot'),
        argoEndpoint: `http://argo-workflows-server.${ns.argo}:2746`,
      }),
    ]);
    await ensureNamespace(ns.collate, { deployment: 'collate-it' });
    await seedWorkflows(ns.collate, demoWorkflows());
    await seedCronWorkflow(ns.collate, {
      name: 'warehouse-metadata',
      schedule: '0 * * * *',
    });
  }, 240_000);

  afterAll(async () => {
    await collate?.close();
    const core = adminKubeConfig().makeApiClient(CoreV1Api);
    await Promise.all(
      Object.values(ns).map(name =>
        core.deleteNamespace({ name }).catch(() => undefined),
      ),
    );
  });

  /** The collate backend on the test environment's servers; `deny` names a permission the caller lacks. */
  async function backend(
    entity: Entity,
    extraConfig: object = {},
    options: { deny?: string } = {},
  ) {
    return startTestBackend({
      features: [
        collatePlugin,
        catalogServiceMock.factory({ entities: [entity] }),
        ...(options.deny
          ? [
              mockServices.permissions.mock({
                authorize: async requests =>
                  requests.map(r => ({
                    result:
                      r.permission.name === options.deny
                        ? AuthorizeResult.DENY
                        : AuthorizeResult.ALLOW,
                  })),
              }).factory,
            ]
          : []),
        mockServices.rootConfig.factory({
          data: {
            kubernetes: backstageKubernetesConfig(),
            collate: {
              servers: [
                {
                  url: SERVER_URL,
                  baseUrl: collate.url,
                  token: collate.issueToken(),
                },
              ],
              argo: {
                servers: [
                  {
                    url: ARGO_URL,
                    baseUrl: testEnv.argoUrl(),
                    uiUrl: 'https://argo.example.com',
                  },
                ],
              },
              ...extraConfig,
            },
          },
        }),
      ],
    });
  }

  it('reports every component of the System from Kubernetes, the Argo server and Collate', async () => {
    const { server } = await backend(systemEntity());
    const res = await request(server).get(
      '/api/collate/entities/system/default/collate-it/status',
    );
    expect(res.status).toBe(200);
    const body = res.body as CollateEntityStatus;
    expect(body.entityRef).toBe('system:default/collate-it');
    const by = Object.fromEntries(body.components.map(c => [c.component, c]));
    expect(Object.keys(by).sort()).toEqual(
      ['argo', 'database', 'ingestion', 'runner', 'search', 'server'].sort(),
    );

    const srv = by.server as CollateServerStatus;
    expect(srv).toMatchObject({
      health: 'healthy',
      version: '1.12.3',
      deployment: { name: 'openmetadata', ready: 1, desired: 1 },
    });
    expect(srv.checks?.map(c => c.name)).toEqual([
      'database',
      'searchInstance',
      'pipelineServiceClient',
      'jwks',
      'migrations',
    ]);

    const argo = by.argo as CollateArgoStatus;
    expect(argo).toMatchObject({
      health: 'healthy',
      serverVersion: 'v3.7.1',
      server: { name: 'argo-workflows-server', ready: 1, desired: 1 },
      controller: {
        name: 'argo-workflows-workflow-controller',
        ready: 1,
        desired: 1,
      },
      workflowsByPhase: {
        Succeeded: 4,
        Failed: 1,
        Error: 1,
        Running: 1,
        Pending: 1,
      },
      uiUrl: 'https://argo.example.com',
    });
    expect(argo.server?.image).toMatch(/argocli/);

    expect(by.database as CollateBackingServiceStatus).toMatchObject({
      health: 'healthy',
      type: 'postgresql',
      version: '15.4',
      host: 'postgres.collate:5432',
      endpoint: 'postgres.collate:5432',
    });
    expect(by.search as CollateBackingServiceStatus).toMatchObject({
      health: 'healthy',
      type: 'opensearch',
      version: '3.4.0',
      endpoint: 'http://opensearch.collate:9200',
    });

    const runner = by.runner as CollateRunnerStatus;
    expect(runner).toMatchObject({
      health: 'healthy',
      agentId: AGENT_ID,
      connection: 'connected',
      // The runner pod's own gauge, read through the API server's pod proxy.
      connectedPods: '1/1',
      registration: { listed: true, isDefault: true },
      deployment: { name: 'hybrid-ingestion-runner', ready: 1, desired: 1 },
    });

    const ingestion = by.ingestion as CollateIngestionStatus;
    // Two of the eight runs of the last 24 h failed.
    expect(ingestion.health).toBe('degraded');
    expect(ingestion.reason).toBe('2 of 8 runs in the last 24 h failed');
    expect(ingestion.last24h).toEqual({
      Succeeded: 4,
      Failed: 1,
      Error: 1,
      Running: 1,
      Pending: 1,
    });
    expect(ingestion.runs?.map(r => r.phase)).toEqual([
      'Pending',
      'Running',
      'Succeeded',
      'Error',
      'Succeeded',
      'Failed',
      'Succeeded',
      'Succeeded',
    ]);
    const newestDone = ingestion.runs!.find(r => r.phase === 'Succeeded')!;
    expect(newestDone).toMatchObject({
      name: 'warehouse-profiler-1005',
      progress: '1/1',
      durationSeconds: 65,
      cronWorkflow: 'warehouse-profiler',
      url: `https://argo.example.com/workflows/${ns.collate}/warehouse-profiler-1005`,
    });
    expect(ingestion.runs![1]).toMatchObject({
      phase: 'Running',
      progress: '2/4',
    });
    expect(ingestion.schedules).toEqual([
      expect.objectContaining({
        name: 'warehouse-metadata',
        schedule: '0 * * * *',
        suspended: false,
        nextRun: expect.stringMatching(/T\d\d:00:00\.000Z$/),
      }),
    ]);
    expect(ingestion.pipelines).toEqual([
      expect.objectContaining({
        name: 'warehouse_metadata',
        fullyQualifiedName: 'warehouse.warehouse_metadata',
        lastState: 'success',
        schedule: '0 * * * *',
        // Its service's ingestions in Collate's UI (uiUrl defaults to the server's url).
        url: `${SERVER_URL}/service/databaseServices/warehouse/ingestions`,
      }),
    ]);
  });

  it('follows new workflows through its watch without listing again', async () => {
    const { server } = await backend(systemEntity());
    const get = () =>
      request(server).get(
        '/api/collate/entities/system/default/collate-it/status/argo',
      );
    const before = (await get()).body as CollateArgoStatus;
    await seedWorkflows(ns.collate, [
      { name: `late-${suffix}`, phase: 'Failed' },
    ]);
    let after = before;
    for (let i = 0; i < 50; i++) {
      after = (await get()).body as CollateArgoStatus;
      if (after.workflowsByPhase?.Failed !== before.workflowsByPhase?.Failed)
        break;
      await new Promise(r => setTimeout(r, 100));
    }
    expect(after.workflowsByPhase?.Failed).toBe(
      (before.workflowsByPhase?.Failed ?? 0) + 1,
    );
  });

  it('flags a run Argo calls Running whose pod is gone, or that is past its active deadline', async () => {
    await ensureNamespace(ns.stale, { deployment: 'collate-it' });
    await seedWorkflows(ns.stale, [
      { name: 'steady', phase: 'Running', nodes: 2, startedSecondsAgo: 60 },
      {
        name: 'overdue',
        phase: 'Running',
        nodes: 2,
        startedSecondsAgo: 900,
        activeDeadlineSeconds: 300,
      },
    ]);
    const entity = systemEntity({ 'collate.io/namespace': ns.stale });
    const ingestion = async () => {
      // A new backend each time: running runs are re-read at most every 10 s by one backend.
      const { server } = await backend(entity);
      const res = await request(server).get(
        '/api/collate/entities/system/default/collate-it/status/ingestion',
      );
      return res.body as CollateIngestionStatus;
    };
    const first = await ingestion();
    const byName = (st: CollateIngestionStatus, name: string) =>
      st.runs?.find(r => r.name === name);
    expect(byName(first, 'steady')?.stale).toBeUndefined();
    expect(byName(first, 'overdue')?.stale).toBe(
      'Still Running 15 min after it started, past its active deadline of 300 s',
    );
    expect(first).toMatchObject({
      health: 'degraded',
      reason: expect.stringContaining('1 run looks stale: overdue'),
    });

    // The step's pod is deleted under the running workflow (its controller does not notice: seeded runs have none).
    const core = adminKubeConfig().makeApiClient(CoreV1Api);
    await core.deleteNamespacedPod({
      namespace: ns.stale,
      name: 'steady-1000000001',
      gracePeriodSeconds: 0,
    });
    let after = await ingestion();
    for (let i = 0; i < 50 && !byName(after, 'steady')?.stale; i++) {
      await new Promise(r => setTimeout(r, 200));
      after = await ingestion();
    }
    expect(byName(after, 'steady')?.stale).toBe(
      'Argo says step step-1 is Running, but its pod is gone',
    );
    expect(after.reason).toContain('2 runs look stale');
  });

  it('keeps answering when Collate fails: Collate components are unknown with the reason, the rest still report', async () => {
    collate.failNext(/\/system\/status$/, 503, 5);
    const { server } = await backend(systemEntity());
    const res = await request(server).get(
      '/api/collate/entities/system/default/collate-it/status',
    );
    const by = Object.fromEntries(
      (res.body as CollateEntityStatus).components.map(c => [c.component, c]),
    );
    expect(by.database).toMatchObject({
      health: 'unknown',
      reason: expect.stringContaining('Collate answered 503'),
      errors: [{ source: 'collate' }],
      endpoint: 'postgres.collate:5432',
    });
    expect(by.argo.health).toBe('healthy');
    expect(by.runner.health).toBe('healthy');
  });

  it('reindexes search from the card route: one run at a time, its status on the search card, behind collate.search.reindex', async () => {
    collate.setReindexOutcome('success', 800);
    const { server } = await backend(systemEntity());
    const route = '/api/collate/entities/system/default/collate-it/reindex';
    const search = async () =>
      (
        await request(server).get(
          '/api/collate/entities/system/default/collate-it/status/search',
        )
      ).body;

    const first = await request(server).post(route).send({});
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({
      started: true,
      run: { status: 'running', startTime: expect.any(String) },
    });
    // Pressed again while it runs: the run in progress, not a second one.
    const again = await request(server).post(route).send({});
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({
      started: false,
      run: { status: 'running' },
    });
    expect(collate.reindexRuns()).toHaveLength(1);
    expect(collate.reindexRuns()[0].config).toEqual({ recreateIndex: false });

    await new Promise(r => setTimeout(r, 900));
    // The search card shows the last run once the status cache (10 s) has the new answer; forgotten on start.
    let card = await search();
    for (let i = 0; i < 30 && card.reindex?.status !== 'success'; i++) {
      await new Promise(r => setTimeout(r, 500));
      card = await search();
    }
    expect(card.reindex).toMatchObject({
      status: 'success',
      startTime: expect.any(String),
      endTime: expect.any(String),
    });

    expect(
      (await request(server).post(route).send({ recreateIndex: 'yes' })).status,
    ).toBe(400);
    expect(
      (
        await request(server)
          .post('/api/collate/entities/system/default/collate-it/reindex')
          .send({ recreateIndex: true })
      ).status,
    ).toBe(202);
    expect(collate.reindexRuns()[0].config).toEqual({ recreateIndex: true });
  });

  it('refuses a reindex without collate.search.reindex, reading the status still allowed', async () => {
    const { server } = await backend(
      systemEntity(),
      {},
      { deny: 'collate.search.reindex' },
    );
    const before = collate.reindexRuns().length;
    const res = await request(server)
      .post('/api/collate/entities/system/default/collate-it/reindex')
      .send({});
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(/collate\.search\.reindex/);
    expect(collate.reindexRuns()).toHaveLength(before);
    expect(
      (
        await request(server).get(
          '/api/collate/entities/system/default/collate-it/status/search',
        )
      ).status,
    ).toBe(200);
  });

  it('keeps recreating the indexes behind collate.search.recreate, a plain reindex still allowed', async () => {
    const { server } = await backend(
      systemEntity(),
      {},
      { deny: 'collate.search.recreate' },
    );
    const before = collate.reindexRuns().length;
    const res = await request(server)
      .post('/api/collate/entities/system/default/collate-it/reindex')
      .send({ recreateIndex: true });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toBe(
      'Not allowed to recreate the search indexes of system:default/collate-it (permission collate.search.recreate)',
    );
    expect(collate.reindexRuns()).toHaveLength(before);
  });

  it('retries, resubmits, stops and terminates real workflows through the Argo server, each behind its permission', async () => {
    await ensureNamespace(ns.ops, { deployment: 'collate-it' });
    const custom = adminKubeConfig().makeApiClient(CustomObjectsApi);
    const wf = (name: string, spec: object) =>
      custom.createNamespacedCustomObject({
        group: 'argoproj.io',
        version: 'v1alpha1',
        namespace: ns.ops,
        plural: 'workflows',
        body: {
          apiVersion: 'argoproj.io/v1alpha1',
          kind: 'Workflow',
          metadata: { name },
          spec: {
            entrypoint: 'main',
            templates: [{ name: 'main', suspend: {} }],
            ...spec,
          },
        },
      });
    const phase = async (name: string) =>
      (
        (await custom.getNamespacedCustomObject({
          group: 'argoproj.io',
          version: 'v1alpha1',
          namespace: ns.ops,
          plural: 'workflows',
          name,
        })) as { status?: { phase?: string; message?: string } }
      ).status;
    const until = async (name: string, want: string) => {
      for (let i = 0; i < 100; i++) {
        if ((await phase(name))?.phase === want) return;
        await new Promise(r => setTimeout(r, 200));
      }
      throw new Error(
        `${name} never ${want}: ${JSON.stringify(await phase(name))}`,
      );
    };
    // Waiting forever on a suspend step (Running), and one failed by its deadline (Failed).
    await wf('wait-a', {});
    await wf('wait-b', {});
    await wf('deadline', { activeDeadlineSeconds: 1 });
    await until('wait-a', 'Running');
    await until('wait-b', 'Running');
    await until('deadline', 'Failed');

    const { server } = await backend(
      systemEntity({ 'collate.io/namespace': ns.ops }),
    );
    const op = (workflow: string, operation: string) =>
      request(server).post(
        `/api/collate/entities/system/default/collate-it/workflows/${workflow}/${operation}`,
      );

    const stopped = await op('wait-a', 'stop');
    expect(stopped.status).toBe(200);
    expect(stopped.body).toMatchObject({
      workflow: 'wait-a',
      namespace: ns.ops,
    });
    await until('wait-a', 'Failed');
    expect((await phase('wait-a'))?.message).toMatch(
      /Stopped with strategy 'Stop'/,
    );

    expect((await op('wait-b', 'terminate')).status).toBe(200);
    await until('wait-b', 'Failed');
    expect((await phase('wait-b'))?.message).toMatch(/Terminate/);

    const retried = await op('deadline', 'retry');
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({
      workflow: 'deadline',
      phase: 'Running',
    });

    const resubmitted = await op('wait-a', 'resubmit');
    expect(resubmitted.status).toBe(200);
    expect(resubmitted.body.workflow).toMatch(/^wait-a-[a-z0-9]+$/);
    await until(resubmitted.body.workflow, 'Running');

    // Argo's own refusals, with its words; unknown workflows and operations.
    const refused = await op(resubmitted.body.workflow, 'retry');
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(
      /Argo refused to retry .*: Cannot retry a workflow in phase Running/,
    );
    expect((await op('no-such-workflow', 'stop')).status).toBe(404);
    expect((await op('wait-a', 'delete')).status).toBe(400);
    expect((await op('Not_A_Name', 'stop')).status).toBe(400);
  });

  it("streams a KWOK-run workflow's logs from the Argo server (API server → kubelet), cut at the size cap, behind collate.workflow.logs", async () => {
    await ensureNamespace(ns.logs, { deployment: 'collate-it' });
    const custom = adminKubeConfig().makeApiClient(CustomObjectsApi);
    const lines = Array.from(
      { length: 40 },
      (_, i) => `processed table warehouse.orders_${i}`,
    );
    await custom.createNamespacedCustomObject({
      group: 'argoproj.io',
      version: 'v1alpha1',
      namespace: ns.logs,
      plural: 'workflows',
      body: {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Workflow',
        metadata: { name: 'ingest-orders' },
        spec: {
          entrypoint: 'main',
          templates: [
            {
              name: 'main',
              // The pod's output, for the test environment's kubelet (KWOK runs no process).
              metadata: {
                annotations: { 'testenv.collate.io/log': lines.join('\n') },
              },
              container: {
                image: 'docker.getcollate.io/openmetadata/ingestion:1.12.3',
                command: ['python', 'main.py'],
              },
            },
          ],
        },
      },
    });
    const entity = systemEntity({ 'collate.io/namespace': ns.logs });
    const { server } = await backend(entity);
    const log = (query = '') =>
      request(server).get(
        `/api/collate/entities/system/default/collate-it/workflows/ingest-orders/log${query}`,
      );
    // Until the controller has made its pod and KWOK has run it.
    let full = await log();
    for (let i = 0; i < 100 && full.text !== `${lines.join('\n')}\n`; i++) {
      await new Promise(r => setTimeout(r, 200));
      full = await log();
    }
    expect(full.status).toBe(200);
    expect(full.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(full.text).toBe(`${lines.join('\n')}\n`);
    // Following a finished workflow ends with its pod's output.
    expect((await log('?follow=true')).text).toBe(full.text);

    const { server: capped } = await backend(entity, {
      status: { logs: { maxBytes: 200 } },
    });
    const cut = await request(capped).get(
      '/api/collate/entities/system/default/collate-it/workflows/ingest-orders/log',
    );
    const shown = cut.text.split('\n').filter(Boolean);
    expect(shown.slice(0, -1)).toEqual(lines.slice(0, shown.length - 1));
    expect(
      Buffer.byteLength(shown.slice(0, -1).join('\n')) + 1,
    ).toBeLessThanOrEqual(200);
    expect(shown.at(-1)).toBe(
      '… log cut at 200 bytes (collate.status.logs.maxBytes); the full log is in the Argo UI',
    );

    expect(
      (
        await log().then(() =>
          request(server).get(
            '/api/collate/entities/system/default/collate-it/workflows/no-such-run/log',
          ),
        )
      ).status,
    ).toBe(404);
    const { server: denied } = await backend(
      entity,
      {},
      { deny: 'collate.workflow.logs' },
    );
    const refused = await request(denied).get(
      '/api/collate/entities/system/default/collate-it/workflows/ingest-orders/log',
    );
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toMatch(/collate\.workflow\.logs/);
  }, 60_000);

  it('shows and operates the runs of several ingestion locations, each through its own Argo server', async () => {
    // The entity's own location (the stale namespace's seeded runs, one Argo server) and a second one (the logs
    // namespace, where the controller ran ingest-orders, through another Argo server: a second name for the
    // environment's one, with its own UI address).
    const entity = systemEntity({
      'collate.io/namespace': ns.stale,
      'collate.io/ingestion-locations': `local/${ns.logs}=http://argo-b.runner:2746`,
    });
    const { server } = await backend(entity, {
      argo: {
        servers: [
          {
            url: ARGO_URL,
            baseUrl: testEnv.argoUrl(),
            uiUrl: 'https://argo.example.com',
          },
          {
            url: 'http://argo-b.runner:2746',
            baseUrl: testEnv.argoUrl(),
            uiUrl: 'https://argo-b.example.com',
          },
        ],
      },
    });
    const res = await request(server).get(
      '/api/collate/entities/system/default/collate-it/status/ingestion',
    );
    const runs = (res.body as CollateIngestionStatus).runs ?? [];
    const where = (name: string) => runs.find(r => r.name === name);
    expect(where('steady')).toMatchObject({
      cluster: 'local',
      namespace: ns.stale,
      url: `https://argo.example.com/workflows/${ns.stale}/steady`,
    });
    expect(where('ingest-orders')).toMatchObject({
      cluster: 'local',
      namespace: ns.logs,
      url: `https://argo-b.example.com/workflows/${ns.logs}/ingest-orders`,
    });

    // A run of the second location is read and operated there; a location the entity does not have is refused.
    const at = `cluster=local&namespace=${ns.logs}`;
    const log = await request(server).get(
      `/api/collate/entities/system/default/collate-it/workflows/ingest-orders/log?${at}`,
    );
    expect(log.text).toContain('processed table warehouse.orders_0');
    const resubmit = await request(server).post(
      `/api/collate/entities/system/default/collate-it/workflows/ingest-orders/resubmit?${at}`,
    );
    expect(resubmit.status).toBe(200);
    expect(resubmit.body.namespace).toBe(ns.logs);
    expect(resubmit.body.workflow).toMatch(/^ingest-orders-/);
    // Without the location, the name is looked up in the entity's own namespace, where there is no such run.
    const own = await request(server).post(
      '/api/collate/entities/system/default/collate-it/workflows/ingest-orders/resubmit',
    );
    expect(own.status).toBe(404);
    const elsewhere = await request(server).post(
      '/api/collate/entities/system/default/collate-it/workflows/ingest-orders/stop?cluster=local&namespace=kube-system',
    );
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body.error.message).toMatch(
      /local\/kube-system is not one of the entity's ingestion locations/,
    );
  }, 30_000);

  it('refuses a workflow operation without its permission, before calling Argo', async () => {
    const { server } = await backend(
      systemEntity({ 'collate.io/namespace': ns.ops }),
      {},
      { deny: 'collate.workflow.terminate' },
    );
    // No such workflow: had Argo been asked, this would be a 404.
    const res = await request(server).post(
      '/api/collate/entities/system/default/collate-it/workflows/any-workflow/terminate',
    );
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(/collate\.workflow\.terminate/);
  });

  it("refuses writes into another deployment's namespace or an unmarked one, before calling Argo or Collate", async () => {
    await ensureNamespace(ns.foreign, { deployment: 'someone-else' });
    await ensureNamespace(ns.unmarked);
    await seedWorkflows(ns.foreign, [{ name: 'theirs', phase: 'Failed' }]);
    const custom = adminKubeConfig().makeApiClient(CustomObjectsApi);
    const workflowsIn = async (namespace: string) =>
      (
        (await custom.listNamespacedCustomObject({
          group: 'argoproj.io',
          version: 'v1alpha1',
          namespace,
          plural: 'workflows',
        })) as { items: unknown[] }
      ).items.length;
    const before = await workflowsIn(ns.foreign);
    const collateWrites = () =>
      collate.calls.filter(c => c.method !== 'GET').length;
    const writesBefore = collateWrites();
    // Registered for collate-it, its annotations (written by whoever registered it) name the other namespaces.
    for (const [namespace, why] of [
      [
        ns.foreign,
        'belongs to deployment someone-else (collate.io/deployment=someone-else)',
      ],
      [ns.unmarked, 'carries no collate.io/deployment marker'],
    ]) {
      const { server } = await backend(
        systemEntity({ 'collate.io/namespace': namespace }),
      );
      const resubmit = await request(server).post(
        '/api/collate/entities/system/default/collate-it/workflows/theirs/resubmit',
      );
      expect(resubmit.status).toBe(403);
      expect(resubmit.body.error.message).toBe(
        `Refused: system:default/collate-it may only change what belongs to its deployment collate-it, and namespace ${namespace} on cluster ${TEST_CLUSTER_NAME} ${why}. A namespace is marked by the Collate actions that create it (collate:kubernetes:prepare); to adopt an existing one, ask a deployer to label it collate.io/deployment=collate-it.`,
      );
      const reindex = await request(server)
        .post('/api/collate/entities/system/default/collate-it/reindex')
        .send({});
      expect(reindex.status).toBe(403);
      const trigger = await request(server).post(
        '/api/collate/entities/system/default/collate-it/pipelines/0b6f0a52-58e3-4d3c-9b1e-5f7d2a8c9e01/trigger',
      );
      expect(trigger.status).toBe(403);
    }
    expect(await workflowsIn(ns.foreign)).toBe(before);
    expect(collateWrites()).toBe(writesBefore);
  });

  it("deploys and runs Collate ingestion pipelines from the card route, each behind its permission, with Collate's refusals", async () => {
    const fresh = collate.addPipeline({
      name: 'lake_metadata',
      deployed: false,
    });
    const { server } = await backend(systemEntity());
    const op = (id: string, operation: string) =>
      request(server).post(
        `/api/collate/entities/system/default/collate-it/pipelines/${id}/${operation}`,
      );
    // Collate will not run a pipeline its pipeline service does not have: its words come back as a conflict.
    const early = await op(fresh.id, 'trigger');
    expect(early.status).toBe(409);
    expect(early.body.error.message).toBe(
      `Collate refused to trigger pipeline ${fresh.id}: Pipeline lake_metadata is not deployed`,
    );
    const deployed = await op(fresh.id, 'deploy');
    expect(deployed.status).toBe(200);
    expect(deployed.body).toEqual({
      pipelineId: fresh.id,
      operation: 'deploy',
      reason: 'Workflow [lake_metadata] has been deployed',
    });
    const run = await op(fresh.id, 'trigger');
    expect(run.body.reason).toBe('Workflow [lake_metadata] has been triggered');
    // The card shows the new run at once (the pipelines are read again).
    const ingestion = await request(server).get(
      '/api/collate/entities/system/default/collate-it/status/ingestion',
    );
    expect(
      (ingestion.body as CollateIngestionStatus).pipelines?.find(
        p => p.id === fresh.id,
      ),
    ).toMatchObject({ deployed: true, lastState: 'queued' });
    expect(
      collate
        .mutatingCalls()
        .filter(c => c.path.endsWith(fresh.id))
        .map(c => `${c.path.split('/')[5]} ${c.status}`),
      // The refused trigger changed nothing.
    ).toEqual(['deploy 200', 'trigger 200']);

    expect(
      (await op('6d0c3f5e-1111-4aaa-8bbb-0123456789ab', 'deploy')).status,
    ).toBe(404);
    expect((await op(fresh.id, 'kill')).status).toBe(400);
    expect((await op('not-a-uuid', 'trigger')).status).toBe(400);

    const { server: denied } = await backend(
      systemEntity(),
      {},
      { deny: 'collate.pipeline.trigger' },
    );
    const before = collate.mutatingCalls().length;
    const refused = await request(denied).post(
      `/api/collate/entities/system/default/collate-it/pipelines/${fresh.id}/trigger`,
    );
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toMatch(/collate\.pipeline\.trigger/);
    expect(collate.mutatingCalls()).toHaveLength(before);
  });

  it('times a slow source out with its own timeout', async () => {
    collate.setLatency(1500);
    try {
      const { server } = await backend(systemEntity(), {
        status: { timeouts: { collateMs: 200 } },
      });
      const started = Date.now();
      const res = await request(server).get(
        '/api/collate/entities/system/default/collate-it/status/search',
      );
      expect(Date.now() - started).toBeLessThan(1400);
      expect(res.body).toMatchObject({
        component: 'search',
        health: 'unknown',
        reason: 'Collate: timed out after 200 ms',
      });
    } finally {
      collate.setLatency(0);
    }
  });

  it('reports a missing Deployment as unhealthy and a disconnected runner', async () => {
    collate.disconnectRunner(AGENT_ID);
    try {
      const { server } = await backend(
        systemEntity({ 'collate.io/argo-release': 'nope' }),
      );
      const argo = await request(server).get(
        '/api/collate/entities/system/default/collate-it/status/argo',
      );
      expect(argo.body).toMatchObject({
        health: 'unhealthy',
        reason: expect.stringContaining(
          `No Argo server Deployment of release nope in namespace ${ns.argo}`,
        ),
      });
      const runner = await request(server).get(
        '/api/collate/entities/system/default/collate-it/status/runner',
      );
      expect(runner.body).toMatchObject({
        health: 'unhealthy',
        connection: 'disconnected',
        connectedPods: '0/1',
        reason: `Runner ${AGENT_ID} reports it is not connected to Collate (collate_hybrid_agent_connected 0)`,
      });
    } finally {
      collate.connectRunner(AGENT_ID);
    }
  });

  it('does not call servers the backend config does not list', async () => {
    const calls = collate.calls.length;
    const { server } = await backend(
      systemEntity({ 'collate.io/server-url': collate.url }),
    );
    const res = await request(server).get(
      '/api/collate/entities/system/default/collate-it/status/database',
    );
    expect(res.body).toMatchObject({
      health: 'unknown',
      reason: 'Collate: not configured (collate.servers)',
      errors: [
        {
          source: 'collate',
          message: `${collate.url} is not configured under collate.servers in the backend`,
          configKey: 'collate.servers',
        },
      ],
    });
    expect(collate.calls.length).toBe(calls);
  });
});
